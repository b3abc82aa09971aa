using WebHooks.Lifecycle;
using WebHooks.Storage;
using WebHooks.Service.Pages.Shared;
using static WebHooks.Service.Pages.Shared.PageFrame;

namespace WebHooks.Service.Pages.Notifications;

/// <summary>The reactivation page behind a notification's signed link (spec 6); the buttons go through <see cref="WebHookActivation"/>.</summary>
public sealed class ActivationLinkPage(
    IWebHooksStorage storage,
    NotificationLinks links,
    WebHookActivation activation,
    WebHooksOptions options,
    TimeProvider time)
{
    public const string ActivateAction = "activate";
    public const string ReplayAction = "replay";

    /// <summary>GET: shows the webhook, the last error and the buffer, with the two buttons. Changes nothing.</summary>
    public async Task<IResult> ShowAsync(HttpContext context, int id)
    {
        var token = context.Request.Query["token"].ToString();
        var notification = await storage.Notifications.FindAsync(id);
        if (notification is null || !await links.IsValidAsync(notification, token)) return InvalidLink(context);

        var webHook = await storage.WebHooks.FindAsync(notification.Account, notification.WebHookId);
        var state = LinkRules.Classify(notification, webHook);
        if (state != LinkState.Open) return Closed(context, state, notification, webHook, StatusCodes.Status200OK);

        var body =
            $"""
            <p>{E(notification.Message)}</p>
            <section class="card" aria-labelledby="webhook-heading">
            <h2 id="webhook-heading">Webhook {webHook!.Id}</h2>
            {Details(webHook, notification)}
            </section>
            <form method="post" action="{E(context.Request.PathBase + "/notifications/" + id)}">
            {PageForms.AntiforgeryField(context)}
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
        if (await PageForms.RejectForgedPostAsync(context) is { } rejected) return rejected;
        var form = await context.Request.ReadFormAsync();
        var action = form["action"].ToString();
        if (action is not (ActivateAction or ReplayAction))
            return Page(context, "Unknown action", Notice("Use one of the two buttons of the page. Nothing was changed.", "bad", alert: true),
                StatusCodes.Status400BadRequest);
        var replay = action == ReplayAction;

        var outcome = await activation.ActivateThroughLinkAsync(id, form["token"].ToString(), replay);
        if (outcome.LinkState == LinkState.Invalid || outcome.Outcome == ReactivationOutcome.NotFound) return InvalidLink(context);
        if (outcome.Outcome == ReactivationOutcome.LinkClosed)
        {
            var notification = await storage.Notifications.FindAsync(id);
            return Closed(context, outcome.LinkState, notification!, outcome.WebHook, StatusCodes.Status409Conflict);
        }

        var webHookId = outcome.WebHook!.Id;
        var (replayed, discarded) = ((int)outcome.Replayed, (int)outcome.Discarded);
        var what = replay
            ? $"{replayed} buffered {Plural(replayed, "event is", "events are")} being delivered, in their original order, before any newer event."
            : $"{discarded} buffered {Plural(discarded, "event was", "events were")} discarded; new events are delivered again.";
        var body =
            $"""
            {Notice($"Webhook {webHookId} is active again. {E(what)}", "ok")}
            <dl>
            <dt>Replayed events</dt><dd data-field="replayedEvents">{replayed}</dd>
            <dt>Discarded events</dt><dd data-field="discardedEvents">{discarded}</dd>
            </dl>
            <p><a href="{E(context.Request.PathBase + "/notifications")}">All notifications of your account</a></p>
            """;
        return Page(context, $"Webhook {webHookId} activated", body);
    }

    /// <summary>The webhook's details as this page and the account page show them.</summary>
    internal string Details(WebHookRecord webHook, Notification notification)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var bufferEnd = BufferRules.BufferEnd(webHook.Deactivated ?? notification.Created, options.Buffer.Period);
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
            <dt>Buffered events</dt><dd data-field="bufferedEvents">{webHook.BufferedEvents}{(purged ? " (dropped by the retention after " + E(options.Buffer.Retention.TotalDays.ToString("0.#")) + " days)" : "")}</dd>
            <dt>Buffer</dt><dd>{bufferText}</dd>
            {dropped}
            </dl>
            """;
    }

    /// <summary>What a link says once its buttons no longer apply.</summary>
    internal static string ClosedText(LinkState state, Notification notification, WebHookRecord? webHook) => state switch
    {
        LinkState.Used => $"This link was already used on {Time(notification.Used)}; a link works once. " +
                          (webHook is { Active: true } ? $"Webhook {notification.WebHookId} is active." : ""),
        LinkState.Deleted => $"Webhook {notification.WebHookId} was deleted; there is nothing to activate.",
        LinkState.ActiveAgain => $"Webhook {notification.WebHookId} is active again; there is nothing to do.",
        LinkState.Superseded => $"Webhook {notification.WebHookId} was activated and deactivated again since " +
                                $"(on {Time(webHook?.Deactivated)}): use the link of the newest notification.",
        _ => "",
    };

    private static IResult Closed(HttpContext context, LinkState state, Notification notification, WebHookRecord? webHook, int status)
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
