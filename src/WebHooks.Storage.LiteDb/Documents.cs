using LiteDB;
using WebHooks.Delivery;

namespace WebHooks.Storage.LiteDb;

// The stored shapes. Their names and fields are those of the first version (files written by it open as they are,
// see Upgrade), with fields added since. Events form one append-only log per (account, event type): a "stream".

internal sealed class AccountDocument
{
    [BsonId] public string Name { get; set; } = "";
    public string PasswordHash { get; set; } = "";
    public string? Email { get; set; }
    public DateTime Created { get; set; }

    public Account ToRecord() => new(Name, PasswordHash, Email, Created);
}

internal sealed class ApiKeyDocument
{
    [BsonId] public string Hash { get; set; } = "";
    public string Account { get; set; } = "";
    public string Prefix { get; set; } = "";
    public DateTime Created { get; set; }
    public DateTime? Revoked { get; set; }
}

internal sealed class StreamDocument
{
    [BsonId] public int Id { get; set; }
    public string Account { get; set; } = "";
    public string Event { get; set; } = "";
}

/// <summary>
/// Events of one stream appended in one write: the last one's fields, and <see cref="Earlier"/> before it. One document
/// per block instead of one per event, because each document costs an insert into the skip-list index (most of what a
/// publish costs the writer). Files of earlier versions hold one event per document: a block without <see cref="Earlier"/>.
/// </summary>
internal sealed class EventDocument
{
    /// <summary>
    /// Stream id in the high bits, the sequence of the block's <em>last</em> event in the low ones (see <see cref="EventKey"/>),
    /// so that the first block whose key is past a sequence holds the event after it: blocks never overlap.
    /// </summary>
    [BsonId] public long Key { get; set; }
    public string EventId { get; set; } = "";
    public DateTime Published { get; set; }
    public string Data { get; set; } = "";

    /// <summary>The block's events before the last, oldest first; null in a block of one.</summary>
    public List<EventEntry>? Earlier { get; set; }

    [BsonIgnore] public long Last => EventKey.SequenceOf(Key);
    [BsonIgnore] public long First => Last - (Earlier?.Count ?? 0);
    [BsonIgnore] public int Count => 1 + (Earlier?.Count ?? 0);

    /// <summary>At most this many events, and this much data (but always one event), in one block.</summary>
    private const int BlockEvents = 64;
    private const long BlockChars = 512 * 1024;

    /// <summary>Oldest first, each with its sequence.</summary>
    public IEnumerable<StoredEvent> Events(string eventName) => EventEntry.Block(Last, EventId, Published, Data, Earlier, eventName);

    /// <summary>Consecutive events of one stream (oldest first) in as few blocks as their number and size allow.</summary>
    public static IEnumerable<EventDocument> Blocks(int streamId, List<StoredEvent> events)
    {
        for (var start = 0; start < events.Count;)
        {
            var end = start + 1;
            for (long chars = events[start].Data.Length; end < events.Count && end - start < BlockEvents && chars + events[end].Data.Length <= BlockChars; end++)
                chars += events[end].Data.Length;
            var last = events[end - 1];
            yield return new EventDocument
            {
                Key = EventKey.Of(streamId, last.Sequence), EventId = last.EventId, Published = last.Published, Data = last.Data,
                Earlier = EventEntry.Earlier(events[start..end]),
            };
            start = end;
        }
    }

    /// <summary>
    /// The stream's events after <paramref name="after"/>, oldest first, read lazily from at most
    /// <paramref name="maxBlocks"/> blocks: the first block keyed past <paramref name="after"/> holds the event after it.
    /// </summary>
    public static IEnumerable<StoredEvent> ReadAfter(ILiteCollection<EventDocument> blocks, int streamId, string eventName, long after, int maxBlocks = int.MaxValue) =>
        blocks.Find(EventKey.Range(streamId, after, EventKey.MaxSequence), limit: maxBlocks)
            .SelectMany(block => block.Events(eventName))
            .SkipWhile(e => e.Sequence <= after);
}

/// <summary>An event of a block before its last: its sequence follows from the last one's.</summary>
internal sealed class EventEntry
{
    public string EventId { get; set; } = "";
    public DateTime Published { get; set; }
    public string Data { get; set; } = "";

    /// <summary>A block's events, oldest first: <paramref name="earlier"/>, then the last (its fields), numbered up to <paramref name="last"/>.</summary>
    public static IEnumerable<StoredEvent> Block(long last, string eventId, DateTime published, string data, List<EventEntry>? earlier, string eventName)
    {
        var first = last - (earlier?.Count ?? 0);
        for (var i = 0; i < (earlier?.Count ?? 0); i++)
            yield return new StoredEvent(first + i, earlier![i].EventId, eventName, earlier[i].Published, earlier[i].Data);
        yield return new StoredEvent(last, eventId, eventName, published, data);
    }

    /// <summary>The events of a block before its last (consecutive, oldest first); null for a block of one.</summary>
    public static List<EventEntry>? Earlier(IReadOnlyList<StoredEvent> events) =>
        events.Count > 1 ? [.. events.Take(events.Count - 1).Select(e => new EventEntry { EventId = e.EventId, Published = e.Published, Data = e.Data })] : null;
}

/// <summary>
/// One slot of an account's ring of recent events of one type (<see cref="WebHooks.Events.RecentEvents"/>): the events of one
/// write (at most the ring's size), the last one's fields and <see cref="Earlier"/> before it, so that a group commit
/// writes one slot per ring instead of one per event. Each write takes the next slot, so the ring's slots hold its
/// last writes, and with them (each holding one event at least) its last <see cref="WebHooks.Events.RecentEvents.Kept"/> events.
/// Files of earlier versions hold one event per slot, in slot <see cref="Seq"/> modulo the ring's size.
/// </summary>
internal sealed class RecentEventDocument
{
    private const int Kept = WebHooks.Events.RecentEvents.Kept;

    /// <summary><see cref="Key"/>: account, event and slot.</summary>
    [BsonId] public string Id { get; set; } = "";

    /// <summary>Counts the account's publishes of the type: the number of the slot's last event.</summary>
    public long Seq { get; set; }
    public string EventId { get; set; } = "";
    public DateTime Published { get; set; }
    public string Data { get; set; } = "";

    /// <summary>The slot's events before the last, oldest first; null when it holds one.</summary>
    public List<EventEntry>? Earlier { get; set; }

    /// <summary>Oldest first, each with its number.</summary>
    public IEnumerable<StoredEvent> Events(string eventName) => EventEntry.Block(Seq, EventId, Published, Data, Earlier, eventName);

    /// <summary>The slot <paramref name="id"/> holding the last of <paramref name="events"/> (consecutive, oldest first).</summary>
    public static RecentEventDocument Of(string id, IReadOnlyList<StoredEvent> events)
    {
        var kept = events.Count > Kept ? events.Skip(events.Count - Kept).ToList() : events;
        var last = kept[^1];
        return new RecentEventDocument
        {
            Id = id, Seq = last.Sequence, EventId = last.EventId, Published = last.Published, Data = last.Data, Earlier = EventEntry.Earlier(kept),
        };
    }

    public static string Key(string account, string eventName, int slot) => $"{account}\n{eventName}\n{slot:D2}";

    /// <summary>The ids of every slot of one ring (looked up one by one: LiteDB's string order is not ordinal).</summary>
    public static IEnumerable<string> Ring(string account, string eventName) =>
        Enumerable.Range(0, Kept).Select(slot => Key(account, eventName, slot));

    /// <summary>The filled slots of one ring, each with its number (LiteDB compares ids ignoring case: only exact ones count).</summary>
    public static IEnumerable<(int Slot, RecentEventDocument Document)> ReadRing(ILiteCollection<RecentEventDocument> slots, string account, string eventName) =>
        Ring(account, eventName).Select((id, slot) => (Id: id, Slot: slot, Document: slots.FindById(id)))
            .Where(s => s.Document?.Id == s.Id)
            .Select(s => (s.Slot, s.Document!));
}

/// <summary>A webhook and its delivery state. Held in memory too (<see cref="WebHookTable"/>): never changed once shared; writes store a changed copy.</summary>
internal sealed class WebHookDocument
{
    [BsonId(autoId: false)] public int Id { get; set; }
    public string Account { get; set; } = "";
    public string App { get; set; } = "";
    public string Event { get; set; } = "";
    public string Url { get; set; } = "";
    public string Secret { get; set; } = "";
    public string? PreviousSecret { get; set; }
    public DateTime? PreviousSecretUntil { get; set; }
    public DateTime Created { get; set; }
    public WebHookOrigin Origin { get; set; }
    public int StreamId { get; set; }

    public bool Active { get; set; } = true;
    public DateTime? Deactivated { get; set; }
    public string LastError { get; set; } = "";

    /// <summary>Sequence of the last event this webhook is done with (delivered, discarded or skipped).</summary>
    public long Delivered { get; set; }
    public long? ReplayUntil { get; set; }
    public long ResumeAfter { get; set; }

    public int Failures { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    public long DroppedEvents { get; set; }
    public long? BufferClosedAt { get; set; }

    [BsonIgnore] public DeliveryOffset Offset
    {
        get => new(Delivered, ReplayUntil, ResumeAfter);
        set => (Delivered, ReplayUntil, ResumeAfter) = (value.Delivered, value.ReplayUntil, value.ResumeAfter);
    }

    [BsonIgnore] public DeliveryProgress Progress => new(Offset, Failures, NextAttemptAt, LastError);

    public WebHookDocument Copy() => (WebHookDocument)MemberwiseClone();

    public void Apply(DeliveryProgress progress)
    {
        Offset = progress.Offset;
        Failures = progress.Failures;
        NextAttemptAt = progress.NextAttemptAt;
        LastError = progress.LastError;
    }

    public WebHookRecord ToRecord(long head) => new()
    {
        Id = Id, Account = Account, App = App, Event = Event, Url = Url,
        Secrets = new WebHookSecrets(Secret, PreviousSecret, PreviousSecretUntil),
        Created = Created, Origin = Origin, Active = Active, Deactivated = Deactivated, LastError = LastError,
        Failures = Failures, NextAttemptAt = NextAttemptAt, Offset = Offset, DroppedEvents = DroppedEvents,
        BufferClosedAt = BufferClosedAt, Head = head,
    };
}

internal sealed class IdempotencyDocument
{
    /// <summary>
    /// <c>account</c> + newline + hex SHA-256 of the key: LiteDB compares strings ignoring case, and keys are
    /// compared exactly (spec 4), so the key itself is never the id.
    /// </summary>
    [BsonId] public string Id { get; set; } = "";
    public DateTime Created { get; set; }
    public string EventId { get; set; } = "";
    public int WebHooks { get; set; }
}

internal sealed class NotificationDocument
{
    [BsonId(autoId: false)] public int Id { get; set; }
    public string Account { get; set; } = "";
    public string Type { get; set; } = "";
    public int WebHookId { get; set; }
    public DateTime Created { get; set; }
    public string Message { get; set; } = "";
    public string LastError { get; set; } = "";
    public DateTime? Used { get; set; }

    public Notification ToRecord() => new(Id, Account, Type, WebHookId, Created, Message, LastError, Used);
}

/// <summary>
/// Delivery attempts of one webhook, logged in one write: the first one's fields, then <see cref="Next"/>. One document
/// per block instead of one per attempt, because each document costs an insert into the skip-list index (most of the
/// attempt log's cost in the writer). Files of earlier versions hold one attempt per document: a block without
/// <see cref="Next"/>.
/// </summary>
internal sealed class AttemptDocument
{
    /// <summary>
    /// Webhook id in the high bits, the running number of the block's first attempt in the low ones; the attempts in
    /// <see cref="Next"/> have the numbers after it. A webhook's attempts are one key range, oldest first.
    /// </summary>
    [BsonId] public long Key { get; set; }
    public string EventId { get; set; } = "";
    public string Event { get; set; } = "";
    public int Attempt { get; set; }
    public DateTime Created { get; set; }
    public int Status { get; set; }
    public int DurationMs { get; set; }
    public bool Succeeded { get; set; }
    public string Error { get; set; } = "";
    public List<AttemptEntry>? Next { get; set; }

    [BsonIgnore] public int WebHookId => EventKey.OwnerOf(Key);
    [BsonIgnore] public long FirstNumber => EventKey.SequenceOf(Key);
    [BsonIgnore] public int Count => 1 + (Next?.Count ?? 0);
    [BsonIgnore] public long LastNumber => FirstNumber + Count - 1;

    /// <summary>Oldest first, each with its running number.</summary>
    public IEnumerable<(long Number, DeliveryAttempt Attempt)> Attempts()
    {
        yield return (FirstNumber, new(WebHookId, EventId, Event, Attempt, Created, Status, DurationMs, Succeeded, Error));
        for (var i = 0; i < Count - 1; i++) yield return (FirstNumber + 1 + i, Next![i].ToRecord(WebHookId, Event));
    }

    /// <summary>A block of one webhook's attempts of one event type, all in one document.</summary>
    public static AttemptDocument Of(long firstNumber, IReadOnlyList<DeliveryAttempt> attempts)
    {
        var first = attempts[0];
        return new AttemptDocument
        {
            Key = EventKey.Of(first.WebHookId, firstNumber), EventId = first.EventId, Event = first.Event, Attempt = first.Attempt,
            Created = first.Created, Status = first.Status, DurationMs = first.DurationMs, Succeeded = first.Succeeded, Error = first.Error,
            Next = attempts.Count > 1 ? [.. attempts.Skip(1).Select(AttemptEntry.Of)] : null,
        };
    }
}

/// <summary>An attempt after a block's first: its webhook and event type are the block's.</summary>
internal sealed class AttemptEntry
{
    public string EventId { get; set; } = "";
    public int Attempt { get; set; }
    public DateTime Created { get; set; }
    public int Status { get; set; }
    public int DurationMs { get; set; }
    public bool Succeeded { get; set; }
    public string Error { get; set; } = "";

    public static AttemptEntry Of(DeliveryAttempt a) => new()
    {
        EventId = a.EventId, Attempt = a.Attempt, Created = a.Created, Status = a.Status, DurationMs = a.DurationMs, Succeeded = a.Succeeded, Error = a.Error,
    };

    public DeliveryAttempt ToRecord(int webHookId, string eventName) =>
        new(webHookId, EventId, eventName, Attempt, Created, Status, DurationMs, Succeeded, Error);
}

internal sealed class SettingDocument
{
    [BsonId] public string Name { get; set; } = "";
    public string Value { get; set; } = "";
}

/// <summary>Keys made of an owner (stream, webhook) in the high bits and a sequence in the low ones: one owner's rows are one contiguous, ordered range.</summary>
internal static class EventKey
{
    public const int SequenceBits = 40;
    public const long MaxSequence = (1L << SequenceBits) - 1;

    public static long Of(int owner, long sequence) => ((long)owner << SequenceBits) | sequence;

    public static long SequenceOf(long key) => key & MaxSequence;

    public static int OwnerOf(long key) => (int)(key >> SequenceBits);

    /// <summary>The owner's keys in (<paramref name="after"/>, <paramref name="upTo"/>].</summary>
    /// <remarks>
    /// Parameters, not literals: LiteDB caches a compiled expression by its text, and compiling one costs
    /// milliseconds (it was most of the delivery loop's CPU when the bounds were literals).
    /// </remarks>
    public static BsonExpression Range(int owner, long after, long upTo) =>
        BsonExpression.Create("_id BETWEEN @0 AND @1", Of(owner, Math.Max(0, after) + 1), Of(owner, Math.Min(upTo, MaxSequence)));
}
