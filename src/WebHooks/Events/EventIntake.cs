using System.Text.Json;
using Microsoft.Extensions.Logging;
using WebHooks.Delivery;
using WebHooks.Observability;
using WebHooks.Storage;

namespace WebHooks.Events;

/// <summary>The reply to a publish (spec 4): the event's id and how many webhooks it was queued or buffered for.</summary>
public sealed record Published(string EventId, int WebHooks);

/// <summary>
/// Publishing: an event is appended once to its stream, whatever the number of webhooks listening,
/// and is durable before the caller hears back. Idempotency keys are remembered for 24 hours.
/// </summary>
public sealed class EventIntake(
    IWebHooksStorage storage,
    IDeliverySignals signals,
    PublishActivity activity,
    WebHooksMeter meter,
    WebHooksOptions options,
    TimeProvider time,
    ILogger<EventIntake> logger)
{
    public static readonly TimeSpan IdempotencyWindow = TimeSpan.FromHours(24);
    public const int MaxIdempotencyKeyLength = 200;

    /// <summary>Why the event cannot be published, or null when it can.</summary>
    public static string? Validate(string? eventName, JsonElement data, string? idempotencyKey)
    {
        if (string.IsNullOrEmpty(eventName)) return "missing field: event";
        if (!EventNames.IsKnown(eventName)) return $"unknown event '{eventName}', valid events are {EventNames.Listing}";
        if (data.ValueKind == JsonValueKind.Undefined) return "missing field: data";
        if (data.ValueKind != JsonValueKind.Object) return "data must be a JSON object";
        if (idempotencyKey is { Length: > MaxIdempotencyKeyLength }) return $"idempotencyKey is longer than {MaxIdempotencyKeyLength} characters";
        return null;
    }

    /// <summary>Stores the event for every matching webhook of the (normalised) account; completes once it is durable.</summary>
    public async Task<Published> PublishAsync(string account, string eventName, string data, string? idempotencyKey = null)
    {
        using var publishing = activity.Begin();
        var eventId = "evt_" + Guid.CreateVersion7().ToString("N");
        var appended = await storage.Events.AppendAsync(new NewEvent(
            account, eventName, eventId, data, string.IsNullOrEmpty(idempotencyKey) ? null : idempotencyKey,
            time.StoredNow(), options.Buffer.Period, IdempotencyWindow));

        if (!appended.Repeated) meter.Published(eventName);
        foreach (var webHookId in appended.Dropped)
            logger.LogInformation("Event {EventId} not kept for webhook {WebHookId}: deactivated longer than the buffer period", eventId, webHookId);
        if (appended.Queued.Count > 0) signals.EventsAppended(appended.Queued);
        return new Published(appended.EventId, appended.WebHooks);
    }
}
