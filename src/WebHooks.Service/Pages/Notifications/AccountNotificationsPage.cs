using System.Text;
using WebHooks.Lifecycle;
using WebHooks.Storage;
using WebHooks.Service.Pages.Shared;
using static WebHooks.Service.Pages.Shared.PageFrame;

namespace WebHooks.Service.Pages.Notifications;

/// <summary>The signed-in account's system notifications, newest first, and the sign-in that leads there.</summary>
public sealed class AccountNotificationsPage(
    IWebHooksStorage storage,
    NotificationLinks links,
    NotificationSession session,
    ActivationLinkPage linkPage,
    ILogger<AccountNotificationsPage> logger)
{
    private const int MaxShown = 200;

    public async Task<IResult> ListAsync(HttpContext context)
    {
        var account = await session.AccountAsync(context);
        if (account is null) return NotificationSession.ToSignIn(context);

        var notifications = await storage.Notifications.ListAsync(account, MaxShown);
        var body = new StringBuilder();
        body.Append(NotificationSession.SignedInAs(context, account));
        if (notifications.Count == 0)
            body.Append(Notice("There are no notifications: none of your webhooks was deactivated."));
        else
            body.Append("<ol class=\"list\" aria-label=\"Notifications, newest first\">");

        foreach (var notification in notifications)
        {
            var webHook = await storage.WebHooks.FindAsync(account, notification.WebHookId);
            var state = LinkRules.Classify(notification, webHook);
            var link = context.Request.PathBase + await links.PathOfAsync(notification);
            var headingId = $"notification-{notification.Id}";
            body.Append($"""
                <li class="card" aria-labelledby="{headingId}">
                <h2 id="{headingId}">Webhook {notification.WebHookId} deactivated</h2>
                <p class="muted">{Time(notification.Created)} · notification {notification.Id}</p>
                <p>{E(notification.Message)}</p>
                """);
            if (state == LinkState.Open)
            {
                body.Append(linkPage.Details(webHook!, notification));
                body.Append($"<p><a href=\"{E(link)}\">Reactivate webhook {notification.WebHookId}</a></p>");
            }
            else
            {
                body.Append($"<p>{ActivationLinkPage.ClosedText(state, notification, webHook)}</p>");
                if (webHook is { Active: false, DroppedEvents: > 0 } && state == LinkState.Superseded)
                    body.Append($"<p>{webHook.DroppedEvents} events were not kept (published after the buffer period).</p>");
            }
            body.Append("</li>\n");
        }
        if (notifications.Count > 0) body.Append("</ol>");
        return Page(context, "Your notifications", body.ToString());
    }

    /// <summary>Where a sign-in may lead: the account's pages only (never an address from elsewhere).</summary>
    private static readonly string[] Destinations = ["/notifications", "/account"];

    private static string Next(string? requested) => Destinations.FirstOrDefault(d => d == requested) ?? "/notifications";

    public async Task<IResult> SignInFormAsync(HttpContext context)
    {
        var next = Next(context.Request.Query["next"]);
        if (await session.AccountAsync(context) is not null) return Results.Redirect(context.Request.PathBase + next);
        return SignInPage(context, error: null, next: next);
    }

    public async Task<IResult> SignInAsync(HttpContext context)
    {
        if (await PageForms.RejectForgedPostAsync(context) is { } rejected) return rejected;
        var form = await context.Request.ReadFormAsync();
        var name = form["username"].ToString();
        var next = Next(form["next"]);
        if (!await session.SignInAsync(context, name, form["password"].ToString()))
            return SignInPage(context, "Sign-in failed: the account name or the password is wrong (or there were too many attempts; wait a moment).",
                next, name, StatusCodes.Status401Unauthorized);
        logger.LogInformation("Account {Account} signed in ({Page})", name, next);
        return Results.Redirect(context.Request.PathBase + next);
    }

    public async Task<IResult> SignOutAsync(HttpContext context)
    {
        if (await PageForms.RejectForgedPostAsync(context) is { } rejected) return rejected;
        await session.SignOutAsync(context);
        return NotificationSession.ToSignIn(context);
    }

    private static IResult SignInPage(HttpContext context, string? error, string next, string name = "", int status = StatusCodes.Status200OK)
    {
        var what = next == "/account" ? "manage your webhooks" : "see your system notifications";
        var body =
            $"""
            {(error is null ? "" : Notice(E(error), "bad", alert: true))}
            <p>Sign in with your account's name and password (the ones of the web service) to {what}.</p>
            <form method="post" action="{E(context.Request.PathBase + NotificationSession.SignInPath)}" class="card">
            {PageForms.AntiforgeryField(context)}
            {Hidden("next", next)}
            <label for="username">Account name</label>
            <input id="username" name="username" autocomplete="username" required autofocus value="{E(name)}">
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required>
            <p><button type="submit" class="primary">Sign in</button></p>
            </form>
            """;
        return Page(context, "Sign in", body, status);
    }
}
