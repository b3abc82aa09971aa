using Microsoft.Extensions.Logging;
using WebHooks.Delivery;
using WebHooks.Storage;

namespace WebHooks.Lifecycle;

/// <summary>
/// Reactivation of a deactivated webhook, replaying or discarding its buffer (spec 6): the one lifecycle path behind
/// <c>ActivateWebHook</c> and the buttons of a notification's link page.
/// </summary>
public sealed class WebHookActivation(
    IWebHooksStorage storage,
    NotificationLinks links,
    IDeliverySignals signals,
    TimeProvider time,
    ILogger<WebHookActivation> logger)
{
    /// <summary>Activates the account's webhook; an active one stays as it is.</summary>
    public Task<Reactivation> ActivateAsync(string account, int webHookId, bool replay) =>
        RunAsync(new Reactivate(account, webHookId, replay, time.StoredNow()), "ActivateWebHook");

    /// <summary>
    /// Activates the webhook of a notification through its signed link: only with the right token, only while the link
    /// is open (<see cref="LinkRules.Classify"/>), and once.
    /// </summary>
    public async Task<Reactivation> ActivateThroughLinkAsync(int notificationId, string? token, bool replay)
    {
        var notification = await storage.Notifications.FindAsync(notificationId);
        if (notification is null || !await links.IsValidAsync(notification, token))
            return new Reactivation(ReactivationOutcome.LinkClosed, LinkState: LinkState.Invalid);
        return await RunAsync(
            new Reactivate(notification.Account, notification.WebHookId, replay, time.StoredNow(), ViaNotification: notification.Id),
            $"the link of notification {notification.Id}");
    }

    private async Task<Reactivation> RunAsync(Reactivate request, string how)
    {
        var outcome = await storage.WebHooks.ReactivateAsync(request);
        if (outcome.Outcome != ReactivationOutcome.Activated) return outcome;
        logger.LogInformation("Webhook {WebHookId} activated through {How}: {Replayed} events to replay, {Discarded} discarded",
            request.WebHookId, how, outcome.Replayed, outcome.Discarded);
        signals.Changed(request.WebHookId);
        return outcome;
    }
}
