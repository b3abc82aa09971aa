using System.Text.Json;
using Microsoft.Extensions.Logging;
using WebHooks.Delivery;
using WebHooks.Lifecycle;
using WebHooks.Storage;

namespace WebHooks.Events;

/// <summary>The reply to a publish (spec 4): the event's id and how many webhooks it was queued or buffered for.</summary>
public sealed record Published(string EventId, int WebHooks);

/// <summary>
/// Publishing: an event is appended once to its stream, whatever the number of webhooks listening,
/// and is durable before the caller hears back. Idempotency keys are remembered for 24 hours.
/// </summary>
public sealed class EventIntake(
    Store store,
    EventLog log,
    ReplayBuffer buffer,
    IDeliverySignals signals,
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

    /// <summary>Stores the event for every matching webhook of the account; completes once it is durable.</summary>
    public async Task<Published> PublishAsync(string account, string eventName, string data, string? idempotencyKey = null)
    {
        var now = time.StoredNow();
        var idempotencyId = string.IsNullOrEmpty(idempotencyKey) ? null : account + "\n" + idempotencyKey;
        var eventId = "evt_" + Guid.CreateVersion7().ToString("N");

        var (published, wake) = await store.WriteAsync(() =>
        {
            if (idempotencyId is not null && store.Idempotency.FindById(idempotencyId) is { } earlier
                && now - earlier.Created < IdempotencyWindow)
                return (new Published(earlier.EventId, earlier.WebHooks), (List<int>)[]);

            var kept = new List<WebHookDocument>();
            // Materialised: the loop updates webhooks, and LiteDB disposes an open read cursor of a collection written in the same transaction.
            foreach (var webHook in store.WebHooks.Find(w => w.Account == account).ToList())
            {
                if (webHook.Event != eventName) continue;
                if (buffer.Keeps(webHook, now))
                {
                    kept.Add(webHook);
                }
                else
                {
                    webHook.DroppedEvents++;
                    store.WebHooks.Update(webHook);
                    logger.LogInformation("Event {EventId} not kept for webhook {WebHookId}: deactivated since {Deactivated:u}, past the buffer period",
                        eventId, webHook.Id, webHook.Deactivated);
                }
            }

            if (kept.Count > 0) log.Append(log.StreamFor(account, eventName), eventId, now, data);
            if (idempotencyId is not null)
                store.Idempotency.Upsert(new IdempotencyDocument { Id = idempotencyId, Created = now, EventId = eventId, WebHooks = kept.Count });
            return (new Published(eventId, kept.Count), kept.Where(w => w.Active).Select(w => w.Id).ToList());
        });

        if (wake.Count > 0) signals.EventsAppended(wake);
        return published;
    }
}
