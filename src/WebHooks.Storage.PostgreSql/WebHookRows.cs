using Npgsql;
using WebHooks.Delivery;

namespace WebHooks.Storage.PostgreSql;

/// <summary>
/// How a webhook row (joined with its stream for the head) becomes a <see cref="WebHookRecord"/>. Every query that
/// returns webhooks selects <see cref="Columns"/> from a relation named <c>w</c> joined with <c>streams s</c>.
/// </summary>
internal static class WebHookRows
{
    public const string Columns = """
        w.id, w.account, w.app, w.event, w.url, w.secret, w.previous_secret, w.previous_secret_until, w.created, w.origin,
        w.active, w.deactivated, w.last_error, w.failures, w.next_attempt_at,
        w.delivered, w.replay_until, w.resume_after, w.dropped_events, w.buffer_closed_at, s.last_seq, w.stream_id
        """;

    /// <summary>How many <see cref="Columns"/> there are: the ordinal of a column selected after them.</summary>
    public const int ColumnCount = 22;

    /// <summary>The usual source of <see cref="Columns"/>.</summary>
    public const string From = "webhooks w JOIN streams s ON s.id = w.stream_id";

    /// <summary>
    /// Wraps a data-modifying statement on <c>webhooks</c> that ends in <c>RETURNING *</c>, so that it returns
    /// <see cref="Columns"/> with the stream's head.
    /// </summary>
    public static string Returning(string statement) =>
        $"WITH w AS ({statement}) SELECT {Columns} FROM w JOIN streams s ON s.id = w.stream_id";

    public static WebHookRecord Read(NpgsqlDataReader r) => new()
    {
        Id = r.GetInt32(0),
        Account = r.GetString(1),
        App = r.GetString(2),
        Event = r.GetString(3),
        Url = r.GetString(4),
        Secrets = new WebHookSecrets(r.GetString(5), r.NullableString(6), r.NullableDateTime(7)),
        Created = r.GetFieldValue<DateTime>(8),
        Origin = (WebHookOrigin)r.GetInt16(9),
        Active = r.GetBoolean(10),
        Deactivated = r.NullableDateTime(11),
        LastError = r.GetString(12),
        Failures = r.GetInt32(13),
        NextAttemptAt = r.NullableDateTime(14),
        Offset = new DeliveryOffset(r.GetInt64(15), r.NullableInt64(16), r.GetInt64(17)),
        DroppedEvents = r.GetInt64(18),
        BufferClosedAt = r.NullableInt64(19),
        Head = r.GetInt64(20),
    };

    public static (WebHookRecord WebHook, int StreamId) ReadWithStream(NpgsqlDataReader r) => (Read(r), r.GetInt32(21));

    /// <summary>Parameters of a <see cref="DeliveryProgress"/>, for <c>SET delivered = @delivered, ...</c> (see <see cref="SetProgress"/>).</summary>
    public static NpgsqlCommand WithProgress(this NpgsqlCommand command, DeliveryProgress progress) => command
        .With("delivered", progress.Offset.Delivered)
        .With("replay_until", progress.Offset.ReplayUntil)
        .With("resume_after", progress.Offset.ResumeAfter)
        .With("failures", progress.Failures)
        .With("next_attempt_at", progress.NextAttemptAt)
        .With("last_error", progress.LastError);

    public const string SetProgress = """
        delivered = @delivered, replay_until = @replay_until, resume_after = @resume_after,
        failures = @failures, next_attempt_at = @next_attempt_at, last_error = @last_error
        """;

    public static NpgsqlCommand WithOffset(this NpgsqlCommand command, DeliveryOffset offset) => command
        .With("delivered", offset.Delivered)
        .With("replay_until", offset.ReplayUntil)
        .With("resume_after", offset.ResumeAfter);

    public const string SetOffset = "delivered = @delivered, replay_until = @replay_until, resume_after = @resume_after";
}
