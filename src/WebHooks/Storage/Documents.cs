using LiteDB;

namespace WebHooks.Storage;

// The stored shapes. Events form one append-only log per (account, event type): a "stream".
// A webhook is a consumer of its stream that remembers the sequence number of the last event it
// is done with (Delivered); everything after that is its queue, or its buffer while deactivated.

public sealed class AccountDocument
{
    [BsonId] public string Name { get; set; } = "";
    public string PasswordHash { get; set; } = "";
    public string? Email { get; set; }
    public DateTime Created { get; set; }
}

public sealed class StreamDocument
{
    [BsonId] public int Id { get; set; }
    public string Account { get; set; } = "";
    public string Event { get; set; } = "";
}

public sealed class EventDocument
{
    /// <summary>Stream id in the high bits, sequence in the low ones: see <see cref="EventKey"/>.</summary>
    [BsonId] public long Key { get; set; }
    public string EventId { get; set; } = "";
    public DateTime Published { get; set; }
    public string Data { get; set; } = "";
}

public sealed class WebHookDocument
{
    [BsonId(autoId: true)] public int Id { get; set; }
    public string Account { get; set; } = "";
    public string App { get; set; } = "";
    public string Event { get; set; } = "";
    public string Url { get; set; } = "";
    public string Secret { get; set; } = "";
    public DateTime Created { get; set; }
    public int StreamId { get; set; }

    public bool Active { get; set; } = true;
    public DateTime? Deactivated { get; set; }
    public string LastError { get; set; } = "";

    /// <summary>Sequence of the last event this webhook is done with (delivered, discarded or skipped).</summary>
    public long Delivered { get; set; }

    /// <summary>Failed attempts in a row; a success resets it.</summary>
    public int Failures { get; set; }

    public DateTime? NextAttemptAt { get; set; }

    /// <summary>
    /// Set by a reactivation with replay: once <see cref="Delivered"/> reaches it, the events published
    /// after the buffer period and before the reactivation are skipped by jumping to <see cref="ResumeAfter"/>.
    /// </summary>
    public long? ReplayUntil { get; set; }
    public long ResumeAfter { get; set; }

    /// <summary>Matching events that came after the buffer period and were not kept for this webhook.</summary>
    public long DroppedEvents { get; set; }
}

public sealed class IdempotencyDocument
{
    /// <summary><c>account</c> + newline + key.</summary>
    [BsonId] public string Id { get; set; } = "";
    public DateTime Created { get; set; }
    public string EventId { get; set; } = "";
    public int WebHooks { get; set; }
}

public sealed class NotificationDocument
{
    [BsonId(autoId: true)] public int Id { get; set; }
    public string Account { get; set; } = "";
    public string Type { get; set; } = "";
    public int WebHookId { get; set; }
    public DateTime Created { get; set; }
    public string Message { get; set; } = "";
    public string LastError { get; set; } = "";

    /// <summary>When a button on the notification's page was used; the link works once.</summary>
    public DateTime? Used { get; set; }
}

public sealed class SettingDocument
{
    [BsonId] public string Name { get; set; } = "";
    public string Value { get; set; } = "";
}

/// <summary>Event keys: a stream's events are one contiguous range of the primary key, in publish order.</summary>
public static class EventKey
{
    private const int SequenceBits = 40;
    public const long MaxSequence = (1L << SequenceBits) - 1;

    public static long Of(int streamId, long sequence) => ((long)streamId << SequenceBits) | sequence;

    public static long SequenceOf(long key) => key & MaxSequence;

    public static int StreamOf(long key) => (int)(key >> SequenceBits);
}
