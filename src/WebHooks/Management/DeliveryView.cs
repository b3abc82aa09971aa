using WebHooks.Storage;

namespace WebHooks.Management;

/// <summary>One delivery attempt as the webhook's owner sees it (spec 11, <c>Delivery</c>).</summary>
/// <param name="Status">The HTTP status; 0 when there was no response.</param>
public sealed record DeliveryView(
    string EventId, string Event, int Attempt, DateTime Created, int Status, int DurationMs, bool Succeeded, string Error)
{
    public static DeliveryView Of(DeliveryAttempt a) =>
        new(a.EventId, a.Event, a.Attempt, a.Created, a.Status, a.DurationMs, a.Succeeded, a.Error);
}
