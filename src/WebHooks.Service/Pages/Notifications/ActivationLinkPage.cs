using WebHooks.Delivery;
using WebHooks.Lifecycle;
using WebHooks.Storage;
using static WebHooks.Service.Pages.Notifications.Html;

namespace WebHooks.Service.Pages.Notifications;

/// <summary>The reactivation page behind a notification's signed link (spec 6).</summary>
public sealed class ActivationLinkPage(
    Store store,
    NotificationLinks links,
    ReplayBuffer buffer,
    IDeliverySignals signals,
    WebHooksOptions options,
    TimeProvider time,
    ILogger<ActivationLinkPage> logger)
{
    public const string ActivateAction = "activate";
    public const string ReplayAction = "replay";

    /// <summary>The state of a notification's link; reading only.</summary>
    public static LinkState Classify(NotificationDocument notification, WebHookDocument? webHook)
    {
        if (notification.Used is not null) return LinkState.Used;
        // Ids can come back after a deletion: a webhook created after the notification is another one.
        if (webHook is null || webHook.Account != notification.Account || webHook.Created > notification.Created) return LinkState.Deleted;
        if (webHook.Active) return LinkState.ActiveAgain;
        if (webHook.Deactivated != notification.Created) return LinkState.Superseded;
        return LinkState.Open;
    }

    /// <summary>GET: shows the webhook, the last error and the buffer, with the two buttons. Changes nothing.</summary>
    public IResult Show(HttpContext context, int id)
    {
        var token = context.Request.Query["token"].ToString();
        var notification = store.Notifications.FindById(id);
        if (notification is null || !links.IsValid(notification, token)) return InvalidLink(context);

        var webHook = store.WebHooks.FindById(notification.WebHookId);
        var state = Classify(notification, webHook);
        if (state != LinkState.Open) return Closed(context, state, notification, webHook, StatusCodes.Status200OK);

        var body =
            $"""
            <p>{E(notification.Message)}</p>
            <section class="card" aria-labelledby="webhook-heading">
            <h2 id="webhook-heading">Webhook {webHook!.Id}</h2>
            {Details(webHook, notification)}
            </section>
            <form method="post" action="{E(context.Request.PathBase + "/notifications/" + id)}">
            {NotificationPages.AntiforgeryField(context)}
            {Hidden("token", token)}
            <p class="muted" id="choice-help">Choose how to reactivate it. <em>Activate</em> discards the buffered events;
            <em>Activate and replay buffered events</em> delivers them first, in their original order, before any newer event.
            This link works once.</p>
            <div class="actions">
            <button type="submit" name="action" value="{ActivateAction}" aria-describedby="choice-help">Activate</button>
            <button type="submit" name="action" value="{ReplayAction}" class="primary" aria-describedby="choice-help">Activate and replay buffered events</button>
            </div>
            </form>
            """;
        return Page(context, $"Webhook {webHook.Id} is deactivated", body);
    }

    /// <summary>POST: one of the two buttons. Works once, for the deactivation the notification reported.</summary>
    public async Task<IResult> UseAsync(HttpContext context, int id)
    {
        if (await NotificationPages.RejectForgedPostAsync(context) is { } rejected) return rejected;
        var form = await context.Request.ReadFormAsync();
        var token = form["token"].ToString();
        var action = form["action"].ToString();
        if (action is not (ActivateAction or ReplayAction))
            return Page(context, "Unknown action", Notice("Use one of the two buttons of the page. Nothing was changed.", "bad", alert: true),
                StatusCodes.Status400BadRequest);
        var replay = action == ReplayAction;
        var now = time.GetUtcNow().UtcDateTime;

        var outcome = await store.WriteAsync(() =>
        {
            var notification = store.Notifications.FindById(id);
            if (notification is null || !links.IsValid(notification, token)) return new Used(LinkState.Invalid, null, null, 0, 0);
            var webHook = store.WebHooks.FindById(notification.WebHookId);
            var state = Classify(notification, webHook);
            if (state != LinkState.Open) return new Used(state, notification, webHook, 0, 0);

            var (replayed, discarded) = buffer.Reactivate(webHook!, replay);
            store.WebHooks.Update(webHook!);
            notification.Used = now;
            store.Notifications.Update(notification);
            return new Used(LinkState.Open, notification, webHook, replayed, discarded);
        });

        if (outcome.State == LinkState.Invalid) return InvalidLink(context);
        if (outcome.State != LinkState.Open)
            return Closed(context, outcome.State, outcome.Notification!, outcome.WebHook, StatusCodes.Status409Conflict);

        var webHookId = outcome.WebHook!.Id;
        logger.LogInformation("Webhook {WebHookId} activated from the link of notification {NotificationId}: {Replayed} events to replay, {Discarded} discarded",
            webHookId, id, outcome.Replayed, outcome.Discarded);
        signals.Changed(webHookId);

        var what = replay
            ? $"{outcome.Replayed} buffered {Plural(outcome.Replayed, "event is", "events are")} being delivered, in their original order, before any newer event."
            : $"{outcome.Discarded} buffered {Plural(outcome.Discarded, "event was", "events were")} discarded; new events are delivered again.";
        var body =
            $"""
            {Notice($"Webhook {webHookId} is active again. {E(what)}", "ok")}
            <dl>
            <dt>Replayed events</dt><dd data-field="replayedEvents">{outcome.Replayed}</dd>
            <dt>Discarded events</dt><dd data-field="discardedEvents">{outcome.Discarded}</dd>
            </dl>
            <p><a href="{E(context.Request.PathBase + "/notifications")}">All notifications of your account</a></p>
            """;
        return Page(context, $"Webhook {webHookId} activated", body);
    }

    private sealed record Used(LinkState State, NotificationDocument? Notification, WebHookDocument? WebHook, int Replayed, int Discarded);

    /// <summary>The webhook's details as this page and the account page show them.</summary>
    internal string Details(WebHookDocument webHook, NotificationDocument notification)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var bufferEnd = buffer.BufferEnd(webHook);
        var purged = webHook.Deactivated is { } d && now >= d + options.Buffer.Retention;
        var bufferText = now < bufferEnd
            ? $"matching events published until {Time(bufferEnd)} are buffered too"
            : $"the buffer period ended at {Time(bufferEnd)}; later events are not kept";
        var dropped = webHook.DroppedEvents > 0
            ? $"<dt>Events not kept</dt><dd data-field=\"droppedEvents\">{webHook.DroppedEvents} (published after the buffer period)</dd>"
            : "";
        return
            $"""
            <dl>
            <dt>App</dt><dd>{E(webHook.App)}</dd>
            <dt>Event</dt><dd>{E(webHook.Event)}</dd>
            <dt>URL</dt><dd>{E(webHook.Url)}</dd>
            <dt>Deactivated</dt><dd>{Time(webHook.Deactivated)}</dd>
            <dt>Last error</dt><dd data-field="lastError">{E(notification.LastError)}</dd>
            <dt>Buffered events</dt><dd data-field="bufferedEvents">{buffer.Count(webHook)}{(purged ? " (dropped by the retention after " + E(options.Buffer.Retention.TotalDays.ToString("0.#")) + " days)" : "")}</dd>
            <dt>Buffer</dt><dd>{bufferText}</dd>
            {dropped}
            </dl>
            """;
    }

    /// <summary>What a link says once its buttons no longer apply.</summary>
    internal static string ClosedText(LinkState state, NotificationDocument notification, WebHookDocument? webHook) => state switch
    {
        LinkState.Used => $"This link was already used on {Time(notification.Used)}; a link works once. " +
                          (webHook is { Active: true } ? $"Webhook {notification.WebHookId} is active." : ""),
        LinkState.Deleted => $"Webhook {notification.WebHookId} was deleted; there is nothing to activate.",
        LinkState.ActiveAgain => $"Webhook {notification.WebHookId} is active again; there is nothing to do.",
        LinkState.Superseded => $"Webhook {notification.WebHookId} was activated and deactivated again since " +
                                $"(on {Time(webHook?.Deactivated)}): use the link of the newest notification.",
        _ => "",
    };

    private static IResult Closed(HttpContext context, LinkState state, NotificationDocument notification, WebHookDocument? webHook, int status)
    {
        var title = state switch
        {
            LinkState.Used => "Link already used",
            LinkState.Deleted => "Webhook deleted",
            LinkState.ActiveAgain => "Webhook active again",
            _ => "Link out of date",
        };
        var body = Notice(ClosedText(state, notification, webHook), status == StatusCodes.Status200OK ? "" : "bad", alert: status != StatusCodes.Status200OK) +
                   $"\n<p><a href=\"{E(context.Request.PathBase + "/notifications")}\">All notifications of your account</a></p>";
        return Page(context, title, body, status);
    }

    private static IResult InvalidLink(HttpContext context) =>
        Page(context, "Link not valid",
            Notice("This link is not valid: it may be incomplete or altered. Open it again from the notification, " +
                   "or sign in to see your notifications.", "bad", alert: true) +
            $"\n<p><a href=\"{E(context.Request.PathBase + "/notifications")}\">Your notifications</a></p>",
            StatusCodes.Status404NotFound);

    private static string Plural(int count, string one, string many) => count == 1 ? one : many;
}
