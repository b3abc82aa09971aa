using WebHooks.Delivery;
using WebHooks.Lifecycle;

namespace WebHooks.Storage;

// What the storage holds, as the engine sees it. Adapters map these to their own shapes.

public sealed record Account(string Name, string PasswordHash, string? Email, DateTime Created);

/// <param name="Hash">SHA-256 of the key, hex: the key itself is shown once and never stored.</param>
/// <param name="Prefix">The key's first characters, to tell keys apart in listings.</param>
public sealed record ApiKey(string Hash, string Account, string Prefix, DateTime Created);

/// <summary>How a webhook was made: it decides what <c>410 Gone</c> does to it (spec 6 and 10).</summary>
public enum WebHookOrigin
{
    /// <summary>Made by <c>CreateWebHook</c> (SOAP, JSON, demo): 410 deactivates it, with a notification.</summary>
    Management = 0,

    /// <summary>Made by <c>POST /api/hooks</c> (REST hooks, Zapier): 410 deletes it.</summary>
    RestHook = 1,
}

public sealed record NewWebHook(
    string Account, string App, string Event, string Url, string Secret, DateTime Created,
    WebHookOrigin Origin = WebHookOrigin.Management);

/// <summary>The signing secrets: the current one, and after a rotation the previous one until it expires.</summary>
public sealed record WebHookSecrets(string Current, string? Previous = null, DateTime? PreviousUntil = null)
{
    /// <summary>The secrets to sign with at <paramref name="now"/>, the current one first.</summary>
    public IReadOnlyList<string> ValidAt(DateTime now) =>
        Previous is not null && PreviousUntil > now ? [Current, Previous] : [Current];
}

/// <summary>A webhook with its delivery state, and the head of its stream when it was read.</summary>
public sealed record WebHookRecord
{
    public required int Id { get; init; }
    public required string Account { get; init; }
    public required string App { get; init; }
    public required string Event { get; init; }
    public required string Url { get; init; }
    public required WebHookSecrets Secrets { get; init; }
    public required DateTime Created { get; init; }
    public WebHookOrigin Origin { get; init; }

    public bool Active { get; init; } = true;
    public DateTime? Deactivated { get; init; }
    public string LastError { get; init; } = "";

    /// <summary>Failed attempts in a row; a success resets it.</summary>
    public int Failures { get; init; }
    public DateTime? NextAttemptAt { get; init; }

    public DeliveryOffset Offset { get; init; }

    /// <summary>Matching events published after the buffer period, not kept for this webhook (since its deactivation).</summary>
    public long DroppedEvents { get; init; }

    /// <summary>
    /// The sequence of the last event kept before the buffer period ended, set when the first later event was
    /// dropped; null while the buffer is open (or nothing was dropped yet).
    /// </summary>
    public long? BufferClosedAt { get; init; }

    /// <summary>The sequence of the last event of the webhook's stream when this record was read.</summary>
    public long Head { get; init; }

    /// <summary>The events held for replay (zero while active): arithmetic, never a walk of the buffer.</summary>
    public long BufferedEvents => Active ? 0 : Offset.Buffered(BufferRules.LastBuffered(this));

    public DeliveryProgress Progress => new(Offset, Failures, NextAttemptAt, LastError);
}

public sealed record WebHookCounts(int Active, int Deactivated);

/// <summary>What a lane remembers between attempts: how far it got, and its retry state.</summary>
public sealed record DeliveryProgress(DeliveryOffset Offset, int Failures, DateTime? NextAttemptAt, string LastError);

/// <summary>The right to deliver one webhook's events, until it expires or is released.</summary>
/// <param name="Token">The fencing token: every write of the lane names it.</param>
public sealed record LaneLease(int WebHookId, Guid Token, WebHookRecord WebHook);

/// <param name="ViaNotification">Reactivate through this notification's link: only while the link is open, and it is used up.</param>
public sealed record Reactivate(string Account, int WebHookId, bool Replay, DateTime Now, int? ViaNotification = null);

public enum ReactivationOutcome
{
    /// <summary>The webhook was deactivated and is active now (or was active already, and nothing changed).</summary>
    Activated,

    /// <summary>The account has no such webhook (or the notification does not exist or is not the account's).</summary>
    NotFound,

    /// <summary>Through a link that no longer applies (<see cref="Reactivation.LinkState"/> says why); nothing changed.</summary>
    LinkClosed,
}

public sealed record Reactivation(
    ReactivationOutcome Outcome,
    WebHookRecord? WebHook = null,
    long Replayed = 0,
    long Discarded = 0,
    LinkState LinkState = LinkState.Open)
{
    public static readonly Reactivation NotFound = new(ReactivationOutcome.NotFound);
}

/// <param name="Now">The moment of publishing (engine clock); stored as the event's publish time.</param>
public sealed record NewEvent(
    string Account, string Event, string EventId, string Data, string? IdempotencyKey,
    DateTime Now, TimeSpan BufferPeriod, TimeSpan IdempotencyWindow);

/// <param name="WebHooks">How many webhooks the event was queued or buffered for.</param>
/// <param name="Queued">
/// The active webhooks it was queued for whose lanes the appending instance wakes: all of them, but on PostgreSQL those
/// that another live instance holds (that instance hears the wake-up and delivers).
/// </param>
/// <param name="Dropped">Deactivated webhooks past their buffer period, for which it was not kept.</param>
/// <param name="Repeated">An earlier publish with the same idempotency key: its reply, and nothing stored.</param>
public sealed record Appended(string EventId, int WebHooks, IReadOnlyList<int> Queued, IReadOnlyList<int> Dropped, bool Repeated = false);

/// <param name="Data">The event's data exactly as published (byte for byte in UTF-8).</param>
public sealed record StoredEvent(long Sequence, string EventId, string Event, DateTime Published, string Data);

public sealed record NewNotification(string Type, DateTime Created, string Message, string LastError);

public sealed record Notification(int Id, string Account, string Type, int WebHookId, DateTime Created, string Message, string LastError, DateTime? Used);

/// <summary>One delivery attempt (spec 11, <c>Delivery</c>).</summary>
/// <param name="Status">The HTTP status, 0 when there was no response.</param>
public sealed record DeliveryAttempt(
    int WebHookId, string EventId, string Event, int Attempt, DateTime Created, int Status, int DurationMs, bool Succeeded, string Error);

/// <param name="Key">The account and the client address it was tried from.</param>
public sealed record LoginFailures(string Key, int Count, DateTime Last);

public sealed record RetentionPolicy(DateTime Now, TimeSpan BufferPeriod, TimeSpan BufferRetention, TimeSpan IdempotencyWindow, TimeSpan AttemptRetention);

/// <summary>What one retention pass removed.</summary>
public sealed record RetentionResult(int PurgedBuffers, long PurgedBufferedEvents, long DeletedEvents, int DeletedIdempotencyRecords, long DeletedAttempts = 0);
