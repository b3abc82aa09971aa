namespace WebHooks.Delivery;

/// <summary>One attempt: POST one event to one webhook URL (spec 5.1, 5.2).</summary>
public interface IWebHookSender
{
    Task<AttemptResult> SendAsync(DeliveryRequest request, CancellationToken cancellationToken);
}

/// <param name="Secrets">The secrets to sign with, the current one first (two for a while after a rotation).</param>
/// <param name="Body">The event's data, exactly as published.</param>
public sealed record DeliveryRequest(string Url, IReadOnlyList<string> Secrets, string EventId, string EventName, string Body)
{
    public DeliveryRequest(string url, string secret, string eventId, string eventName, string body) : this(url, [secret], eventId, eventName, body)
    {
    }
}

public enum AttemptOutcome
{
    /// <summary>A 2xx within the timeout.</summary>
    Delivered,

    /// <summary>Anything else but 410; retried later.</summary>
    Failed,

    /// <summary>410 Gone: the receiver asks to be deactivated at once.</summary>
    Gone,
}

/// <param name="Error">Short text for <c>lastError</c>; empty on success.</param>
/// <param name="RetryAfter">The delay a 429 or 503 asked for, if any.</param>
public sealed record AttemptResult(AttemptOutcome Outcome, int? StatusCode, string Error, TimeSpan? RetryAfter = null)
{
    public static AttemptResult Delivered(int statusCode) => new(AttemptOutcome.Delivered, statusCode, "");
}
