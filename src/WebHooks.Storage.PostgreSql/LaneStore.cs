using Npgsql;

namespace WebHooks.Storage.PostgreSql;

/// <summary>
/// Delivery lanes as leases on the webhook rows. A claim writes an owner, a fresh fencing token and an expiry by the
/// database clock (<c>now()</c>, so that instances with skewed clocks agree); every later write of the lane says
/// <c>WHERE id = @id AND lease_token = @token</c>, so an instance whose lease expired and was taken over writes
/// nothing (0 rows: the lane is lost). Each call is one short statement: no transaction spans an HTTP call.
/// </summary>
internal sealed class LaneStore(Database database, TimeSpan leaseDuration, LocalTails tails) : ILaneStore
{
    public TimeSpan LeaseDuration => leaseDuration;

    public Task<IReadOnlyList<int>> FindDueAsync(DateTime now, int max, CancellationToken cancellationToken = default) =>
        // Walks the partial index of active webhooks, soonest retry first; the events table is never scanned.
        // "Something to deliver" is DeliveryOffset.HasWork in SQL: inside a replay the rest of the buffer, else
        // anything after the offset (past the skipped gap once a replay is done).
        database.RunAsync<IReadOnlyList<int>>(async c => await c.Command("""
                SELECT w.id
                FROM webhooks w JOIN streams s ON s.id = w.stream_id
                WHERE w.active
                  AND (w.next_attempt_at IS NULL OR w.next_attempt_at <= @now)
                  AND (w.lease_until IS NULL OR w.lease_until < now())
                  AND CASE WHEN w.replay_until IS NULL THEN w.delivered < s.last_seq
                           WHEN w.delivered < w.replay_until THEN true
                           ELSE GREATEST(w.delivered, w.resume_after) < s.last_seq END
                ORDER BY w.next_attempt_at NULLS FIRST, w.id
                LIMIT @max
                """)
            .With("now", now).With("max", max).ListAsync(r => r.GetInt32(0), cancellationToken), cancellationToken);

    public Task<LaneLease?> TryClaimAsync(int webHookId, CancellationToken cancellationToken = default) =>
        database.RunAsync(async c =>
        {
            // Two claims at once: the second waits for the first's row lock, then finds a live lease and claims nothing.
            var token = Guid.NewGuid();
            var claimed = await c.Command(WebHookRows.Returning("""
                    UPDATE webhooks SET lease_owner = @owner, lease_token = @token, lease_until = now() + @lease
                    WHERE id = @id AND active AND (lease_until IS NULL OR lease_until < now())
                    RETURNING *
                    """))
                .With("owner", database.Instance).With("token", token).With("lease", leaseDuration).With("id", webHookId)
                .ListAsync(WebHookRows.ReadWithStream, cancellationToken);
            if (claimed is not [var (webHook, stream)]) return null;
            tails.Learn(webHookId, stream); // so that an instance that never published to the stream reads memory too
            tails.Claimed(webHookId);
            return new LaneLease(webHookId, token, webHook);
        }, cancellationToken);

    public Task<WebHookRecord?> SaveAsync(LaneLease lease, DeliveryProgress progress, CancellationToken cancellationToken = default) =>
        database.RunAsync(c => c.Command(WebHookRows.Returning($"""
                UPDATE webhooks SET {WebHookRows.SetProgress}, lease_until = now() + @lease
                WHERE id = @id AND lease_token = @token AND active
                RETURNING *
                """))
            .WithProgress(progress).With("lease", leaseDuration).With("id", lease.WebHookId).With("token", lease.Token)
            .SingleOrDefaultAsync(WebHookRows.Read, cancellationToken), cancellationToken);

    /// <summary>
    /// Takes a share lock on the webhook's stream row, so that a publish to the stream that is committing finishes
    /// first and its events are in the head returned; a publish after it reads the lease released and wakes a lane
    /// of its own. Either way no event waits for the poll (see <c>LeasedElsewhere</c> in <see cref="EventStore"/>).
    /// </summary>
    public Task<long?> ReleaseAsync(LaneLease lease, DeliveryProgress? progress, CancellationToken cancellationToken = default) =>
        database.RunAsync(c =>
        {
            var command = progress is null
                ? c.Command($"""
                    UPDATE webhooks w SET lease_owner = NULL, lease_token = NULL, lease_until = NULL
                    {StreamHeadLocked}
                    WHERE w.id = @id AND w.lease_token = @token
                    RETURNING s.last_seq
                    """)
                : c.Command($"""
                    UPDATE webhooks w SET {WebHookRows.SetProgress}, lease_owner = NULL, lease_token = NULL, lease_until = NULL
                    {StreamHeadLocked}
                    WHERE w.id = @id AND w.lease_token = @token AND w.active
                    RETURNING s.last_seq
                    """).WithProgress(progress);
            return command.With("id", lease.WebHookId).With("token", lease.Token).ScalarAsync<long?>(cancellationToken);
        }, cancellationToken);

    /// <summary>The head of the stream of webhook <c>@id</c>, as <c>s.last_seq</c>, under a share lock on the stream row.</summary>
    private const string StreamHeadLocked =
        "FROM (SELECT s.last_seq FROM streams s JOIN webhooks o ON o.stream_id = s.id WHERE o.id = @id FOR SHARE OF s) s";

    public Task<Notification?> DeactivateAsync(LaneLease lease, DeliveryProgress progress, NewNotification notification,
        CancellationToken cancellationToken = default) =>
        // One statement, so one transaction: the webhook stops (its undelivered events become its buffer, which is
        // open until the first event past the buffer period is dropped) and the notification exists, or neither.
        database.RunAsync(c => c.Command($"""
                WITH w AS (
                    UPDATE webhooks SET {WebHookRows.SetProgress},
                        active = false, deactivated = @created, dropped_events = 0, buffer_closed_at = NULL,
                        lease_owner = NULL, lease_token = NULL, lease_until = NULL
                    WHERE id = @id AND lease_token = @token AND active
                    RETURNING id, account)
                INSERT INTO notifications (account, type, webhook_id, created, message, last_error)
                SELECT account, @type, id, @created, @message, @notification_error FROM w
                RETURNING {NotificationStore.Columns}
                """)
            .WithProgress(progress with { NextAttemptAt = null }) // no retry is due while deactivated
            .With("created", notification.Created).With("type", notification.Type).With("message", notification.Message)
            .With("notification_error", notification.LastError).With("id", lease.WebHookId).With("token", lease.Token)
            .SingleOrDefaultAsync(NotificationStore.Read, cancellationToken), cancellationToken);

    public Task<bool> RemoveGoneAsync(LaneLease lease, CancellationToken cancellationToken = default) =>
        database.RunAsync(async c => await c.Command("DELETE FROM webhooks WHERE id = @id AND lease_token = @token")
            .With("id", lease.WebHookId).With("token", lease.Token).ExecuteAsync(cancellationToken) == 1, cancellationToken);
}
