using Microsoft.Extensions.Logging;
using WebHooks.Storage;

namespace WebHooks.Lifecycle;

/// <summary>
/// Where a failing URL turns into a deactivated webhook: the webhook stops, its undelivered events
/// become its buffer, and a system notification with a signed reactivation link is raised.
/// </summary>
public sealed class Deactivation(
    Store store,
    PublicLinks links,
    INotificationSink sink,
    WebHooksOptions options,
    TimeProvider time,
    ILogger<Deactivation> logger)
{
    public const string NotificationType = "webhook_deactivated";

    /// <summary>Deactivates the webhook, unless it is gone or already inactive; returns the notification raised.</summary>
    public async Task<NotificationDocument?> DeactivateAsync(int webHookId, int failures, string lastError, bool gone)
    {
        var now = time.StoredNow();
        var raised = await store.WriteAsync<(WebHookDocument WebHook, NotificationDocument Notification)?>(() =>
        {
            var webHook = store.WebHooks.FindById(webHookId);
            if (webHook is null || !webHook.Active) return null;
            webHook.Active = false;
            webHook.Deactivated = now;
            webHook.Failures = failures;
            webHook.LastError = lastError;
            webHook.NextAttemptAt = null;
            webHook.DroppedEvents = 0; // counted per deactivation
            store.WebHooks.Update(webHook);

            var why = gone ? "its URL answered 410 Gone" : $"{failures} deliveries in a row failed";
            var notification = new NotificationDocument
            {
                Account = webHook.Account, Type = NotificationType, WebHookId = webHook.Id, Created = now, LastError = lastError,
                Message = $"Webhook {webHook.Id} ({webHook.Event} → {webHook.Url}) was deactivated because {why}. " +
                          $"Last error: {lastError}. Events are buffered for {options.Buffer.Period.TotalDays:0.#} days and can be replayed on reactivation.",
            };
            store.Notifications.Insert(notification);
            return (webHook, notification);
        });
        if (raised is not var (deactivated, raisedNotification)) return null;

        logger.LogWarning("System notification {NotificationId}: {Message} Reactivate: {Link}",
            raisedNotification.Id, raisedNotification.Message, links.ActivationUrl(raisedNotification));
        try
        {
            await sink.RaiseAsync(deactivated, raisedNotification);
        }
        catch (Exception e)
        {
            // The notification is stored and logged: a failing sink must not stop the lane's bookkeeping.
            logger.LogError(e, "System notification {NotificationId} could not be handed to {Sink}", raisedNotification.Id, sink.GetType().Name);
        }
        return raisedNotification;
    }
}

/// <summary>Where notifications go beyond the log and the store (e-mail, when configured).</summary>
public interface INotificationSink
{
    Task RaiseAsync(WebHookDocument webHook, NotificationDocument notification);
}
