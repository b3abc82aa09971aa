using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Npgsql;

namespace WebHooks.Storage.PostgreSql.Signals;

/// <summary>
/// The NOTIFY side of the wake-ups. A notification is sent at commit (and not at all on rollback), so it is issued
/// inside the transaction that made the change: once per transaction, because NOTIFY takes a database-wide lock at
/// commit, held until the commit is on disk. (Sending a publish's wake-up after its commit instead, in a transaction
/// of its own, cost more than that wait: see the README.) The channel is <c>webhooks.</c> + the schema, so that
/// deployments (or test schemas) in one database do not wake each other. The payload is the sending instance, what
/// happened and the webhook ids, comma-separated. What happened is <c>appended</c> (events for the webhooks, nothing
/// else, and the sender woke its own lanes for them: the others wake only the lanes they run), <c>changed</c> (the
/// webhooks themselves, or events from a sender without lanes: the others look again, starting lanes) or
/// <c>deleted</c> (a change that also tells the others to forget them). An instance ignores its own wake-ups (it
/// signalled its lanes in process already), and a lane saves its progress, which rereads its webhook, only after a
/// change: hearing every publish as a change cost a needless save per wake-up.
/// <para>
/// A wake-up for a publish also carries the events it appended, when they fit (a JSON array after the ids): the
/// instances that run those webhooks' lanes put them in their memory of the streams (<see cref="LocalTails.Heard"/>)
/// instead of reading them back. Notifications arrive in commit order, and a stream's events commit in sequence order,
/// so what a listener hears of a stream comes in order. An earlier version reads a payload with events as unreadable:
/// a change of everything.
/// </para>
/// </summary>
internal static class Wakeups
{
    /// <summary>NOTIFY payloads must stay under 8000 bytes.</summary>
    private const int MaxPayload = 7900;

    public const string Channel = "left('webhooks.' || current_schema(), 63)";

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The NOTIFY, inside the transaction; nothing when there is nobody to wake.</summary>
    public static async Task NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sender, IEnumerable<int> webHookIds,
        WakeupKind kind, CancellationToken cancellationToken, IReadOnlyList<(int Stream, StoredEvent Event)>? events = null)
    {
        if (Statement(sender, kind, webHookIds, events) is not { } notify) return;
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { notify } };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The NOTIFY as a statement, to go in a batch with others (one round trip); null when there is nobody to wake.</summary>
    public static NpgsqlBatchCommand? Statement(string sender, WakeupKind kind, IEnumerable<int> webHookIds,
        IReadOnlyList<(int Stream, StoredEvent Event)>? events = null)
    {
        var ids = webHookIds.Distinct().ToList();
        if (ids.Count == 0) return null;
        return new NpgsqlBatchCommand($"SELECT pg_notify({Channel}, @payload)") { Parameters = { new NpgsqlParameter("payload", Payload(sender, kind, ids, events)) } };
    }

    /// <summary>
    /// Sender, kind, ids and the events appended, if any; without the events when they would not fit, and without
    /// the ids (a change of "everything") when those would not.
    /// </summary>
    public static string Payload(string sender, WakeupKind kind, IReadOnlyCollection<int> ids, IReadOnlyList<(int Stream, StoredEvent Event)>? events = null)
    {
        var payload = $"{sender} {Word(kind)} {string.Join(',', ids)}";
        if (payload.Length > MaxPayload) return $"{sender} {Word(WakeupKind.Changed)} ";
        if (events is not { Count: > 0 } || payload.Length + events.Sum(e => e.Event.Data.Length) > MaxPayload) return payload;
        var withEvents = $"{payload} {EventsJson(events)}";
        return Encoding.UTF8.GetByteCount(withEvents) <= MaxPayload ? withEvents : payload;
    }

    private static string Word(WakeupKind kind) => kind switch
    {
        WakeupKind.Appended => "appended",
        WakeupKind.Deleted => "deleted",
        _ => "changed",
    };

    /// <summary>Any other word (or none: an earlier version) is a change.</summary>
    private static WakeupKind KindOf(string? word) =>
        Enum.GetValues<WakeupKind>().FirstOrDefault(kind => Word(kind) == word, WakeupKind.Changed);

    /// <summary>
    /// What a payload says. No ids (an empty or unreadable list) means a change of everything: "look at everything".
    /// A payload of an earlier version (ids only) has no sender and counts as a change. When <see cref="Wakeup.Events"/>
    /// is null (none carried, or none readable), the listener does not know what was appended.
    /// </summary>
    public static Wakeup Parse(string payload)
    {
        var parts = payload.Split(' ', 4);
        var (sender, word, list) = parts.Length >= 3 ? (parts[0], parts[1], parts[2]) : (null, null, payload);
        var ids = new List<int>();
        foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, out var id)) return new(sender, WakeupKind.Changed, [], null);
            ids.Add(id);
        }
        return ids.Count == 0
            ? new(sender, WakeupKind.Changed, ids, null)
            : new(sender, KindOf(word), ids, parts.Length == 4 ? parts[3] : null);
    }

    /// <summary><c>[[stream, sequence, id, event, published (ticks, UTC), data], …]</c>.</summary>
    private static string EventsJson(IReadOnlyList<(int Stream, StoredEvent Event)> events)
    {
        var buffer = new ArrayBufferWriter<byte>(events.Sum(e => e.Event.Data.Length + 96));
        using (var json = new Utf8JsonWriter(buffer, Compact))
        {
            json.WriteStartArray();
            foreach (var (stream, e) in events)
            {
                json.WriteStartArray();
                json.WriteNumberValue(stream);
                json.WriteNumberValue(e.Sequence);
                json.WriteStringValue(e.EventId);
                json.WriteStringValue(e.Event);
                json.WriteNumberValue(e.Published.Ticks);
                json.WriteStringValue(e.Data);
                json.WriteEndArray();
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal static List<(int Stream, StoredEvent Event)>? ReadEvents(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var events = new List<(int, StoredEvent)>();
            foreach (var e in document.RootElement.EnumerateArray())
                events.Add((e[0].GetInt32(), new StoredEvent(e[1].GetInt64(), e[2].GetString()!, e[3].GetString()!,
                    new DateTime(e[4].GetInt64(), DateTimeKind.Utc), e[5].GetString()!)));
            return events;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}

/// <summary>What a wake-up says happened to the webhooks it names (see <see cref="Wakeups"/>).</summary>
internal enum WakeupKind
{
    Appended,
    Changed,
    Deleted,
}

/// <summary>A wake-up as heard: who sent it, what happened, to which webhooks, and the events it carried, if any.</summary>
internal sealed record Wakeup(string? Sender, WakeupKind Kind, IReadOnlyList<int> Ids, string? EventsJson)
{
    /// <summary>Only events were appended, and the sender woke its own lanes for them.</summary>
    public bool Appended => Kind == WakeupKind.Appended;

    /// <summary>The webhooks were deleted (a change).</summary>
    public bool Deleted => Kind == WakeupKind.Deleted;

    /// <summary>The events it carried; null when it carried none, or none readable (read only when asked: an instance skips its own).</summary>
    public IReadOnlyList<(int Stream, StoredEvent Event)>? Events() => EventsJson is null ? null : Wakeups.ReadEvents(EventsJson);
}
