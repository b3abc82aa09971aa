using Microsoft.Extensions.Logging;
using WebHooks.Observability;
using WebHooks.Storage;

namespace WebHooks.Lifecycle;

/// <summary>
/// Where a failing URL turns into a deactivated webhook (spec 6): the webhook stops, its undelivered events become
/// its buffer, and a system notification with a signed reactivation link is raised. A webhook made as a REST hook
/// whose URL answers 410 Gone is deleted instead (spec 10: the subscriber is gone).
/// </summary>
public sealed class Deactivation(
    IWebHooksStorage storage,
    PublicLinks links,
    INotificationSink sink,
    WebHooksMeter meter,
    WebHooksOptions options,
    TimeProvider time,
    ILogger<Deactivation> logger)
{
    public const string NotificationType = "webhook_deactivated";

    /// <summary>Ends the lane's webhook for good; false when the lane was lost meanwhile (nothing was changed).</summary>
    public async Task<bool> DeactivateAsync(LaneLease lease, DeliveryProgress progress, bool gone)
    {
        var webHook = lease.WebHook;
        if (gone && webHook.Origin == WebHookOrigin.RestHook)
        {
            if (!await storage.Lanes.RemoveGoneAsync(lease)) return false;
            logger.LogInformation("Webhook {WebHookId} ({Event}, a REST hook) deleted: its URL answered 410 Gone", webHook.Id, webHook.Event);
            return true;
        }

        var why = gone ? "its URL answered 410 Gone" : $"{progress.Failures} deliveries in a row failed";
        var message = $"Webhook {webHook.Id} ({webHook.Event} → {webHook.Url}) was deactivated because {why}. " +
                      $"Last error: {progress.LastError}. Events are buffered for {options.Buffer.Period.TotalDays:0.#} days and can be replayed on reactivation.";
        var notification = await storage.Lanes.DeactivateAsync(lease, progress, new NewNotification(NotificationType, time.StoredNow(), message, progress.LastError));
        if (notification is null) return false;
        meter.Deactivated(gone);

        logger.LogWarning("System notification {NotificationId}: {Message} Reactivate: {Link}",
            notification.Id, notification.Message, await links.ActivationUrlAsync(notification));
        try
        {
            if (await storage.WebHooks.FindAsync(notification.Account, webHook.Id) is { } deactivated)
                await sink.RaiseAsync(deactivated, notification);
        }
        catch (Exception e)
        {
            // The notification is stored and logged: a failing sink must not stop the lane's bookkeeping.
            logger.LogError(e, "System notification {NotificationId} could not be handed to {Sink}", notification.Id, sink.GetType().Name);
        }
        return true;
    }
}

/// <summary>Where notifications go beyond the log and the store (e-mail, when configured).</summary>
public interface INotificationSink
{
    Task RaiseAsync(WebHookRecord webHook, Notification notification);
}
