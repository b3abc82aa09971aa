using System.Globalization;
using System.Text;
using WebHooks.Lifecycle;
using WebHooks.Management;
using WebHooks.Service.Pages.Notifications;
using WebHooks.Service.Pages.Shared;
using WebHooks.Storage;
using static WebHooks.Service.Pages.Shared.PageFrame;

namespace WebHooks.Service.Pages.Account;

/// <summary>
/// <c>/account</c>: the signed-in account's webhooks and what can be done with them. Reading goes to the store; every
/// change goes through the engine's code that the SOAP functions use, never a write of its own. After an action the
/// browser is sent back to the page (so that a reload repeats nothing), except after a rotation, whose new secret is
/// shown once, on the answer to the POST itself (never in a URL).
/// </summary>
public sealed class AccountPage(
    IWebHooksStorage storage,
    NotificationSession session,
    WebHookOperations operations,
    WebHookActivation activation,
    ILogger<AccountPage> logger)
{
    public const int AttemptsShown = 10;

    public async Task<IResult> ShowAsync(HttpContext context)
    {
        if (await session.AccountAsync(context) is not { } account) return ToSignIn(context);
        return await RenderAsync(context, account, DoneNotice(context.Request.Query));
    }

    public Task<IResult> ActivateAsync(HttpContext context, int id) => ActAsync(context, id, async (account, form) =>
    {
        var replay = form["replay"].ToString() == "1";
        var outcome = await activation.ActivateAsync(account, id, replay);
        if (outcome.WebHook is null) return null;
        return $"done=activated&webhook={id}&replayed={outcome.Replayed}&discarded={outcome.Discarded}";
    });

    public Task<IResult> SendTestAsync(HttpContext context, int id) => ActAsync(context, id, async (account, _) =>
        await operations.SendTestEventAsync(account, id) is { } published ? $"done=tested&webhook={id}&webhooks={published.WebHooks}" : null);

    public async Task<IResult> DeleteAsync(HttpContext context, int id)
    {
        if (await session.AccountAsync(context) is not { } account) return ToSignIn(context);
        if (await PageForms.RejectForgedPostAsync(context) is { } rejected) return rejected;
        var form = await context.Request.ReadFormAsync();
        if (form["confirm"].ToString() != "yes")
            return await RenderAsync(context, account, Notice($"Webhook {id} was not deleted: tick the box that confirms it first.", "bad", alert: true),
                StatusCodes.Status400BadRequest);
        if (!await operations.DeleteAsync(account, id)) return await NotFoundAsync(context, account, id);
        return Back(context, $"done=deleted&webhook={id}");
    }

    public async Task<IResult> RotateAsync(HttpContext context, int id)
    {
        if (await session.AccountAsync(context) is not { } account) return ToSignIn(context);
        if (await PageForms.RejectForgedPostAsync(context) is { } rejected) return rejected;
        if (await operations.RotateSecretAsync(account, id) is not { } rotated) return await NotFoundAsync(context, account, id);
        logger.LogInformation("Account {Account} rotated the secret of webhook {WebHookId} on the account page", account, id);
        var notice = Notice(
            $"Webhook {id} has a new secret: <code data-field=\"newSecret\">{E(rotated.Secret)}</code><br>" +
            "Copy it now: this page does not show it again. For 24 hours deliveries are signed with the new and the " +
            "previous secret (new first), so your receiver can switch to the new one at its own pace; after that only the new one signs.",
            "ok");
        return await RenderAsync(context, account, notice);
    }

    /// <summary>The common frame of an action: signed in, a genuine form, then the action; back to the page with what happened.</summary>
    private async Task<IResult> ActAsync(HttpContext context, int id, Func<string, IFormCollection, Task<string?>> action)
    {
        if (await session.AccountAsync(context) is not { } account) return ToSignIn(context);
        if (await PageForms.RejectForgedPostAsync(context) is { } rejected) return rejected;
        var form = await context.Request.ReadFormAsync();
        return await action(account, form) is { } done ? Back(context, done) : await NotFoundAsync(context, account, id);
    }

    private Task<IResult> NotFoundAsync(HttpContext context, string account, int id) =>
        RenderAsync(context, account, Notice($"Your account has no webhook {id}. Nothing was changed.", "bad", alert: true), StatusCodes.Status404NotFound);

    private static IResult Back(HttpContext context, string query) =>
        Results.Redirect($"{context.Request.PathBase}/account?{query}", permanent: false, preserveMethod: false);

    private static IResult ToSignIn(HttpContext context) => NotificationSession.ToSignIn(context, next: "/account");

    /// <summary>What the redirect after an action reports: made from numbers only, whatever the query holds.</summary>
    private static string DoneNotice(IQueryCollection query)
    {
        int Number(string name) => int.TryParse(query[name], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var id = Number("webhook");
        return query["done"].ToString() switch
        {
            "activated" => Notice($"Webhook {id} is active. {Count(Number("replayed"), "buffered event is", "buffered events are")} being replayed " +
                                  $"in their original order; {Count(Number("discarded"), "event was", "events were")} discarded.", "ok"),
            "tested" => Notice($"A test event was published for webhook {id} (and {Count(Math.Max(0, Number("webhooks") - 1), "other webhook", "other webhooks")} " +
                               "of your account on its event). Its attempts appear below in a moment.", "ok"),
            "deleted" => Notice($"Webhook {id} was deleted, with everything queued or buffered for it.", "ok"),
            _ => "",
        };
    }

    private async Task<IResult> RenderAsync(HttpContext context, string account, string notice, int status = StatusCodes.Status200OK)
    {
        var b = context.Request.PathBase.Value ?? "";
        var webHooks = await storage.WebHooks.ListAsync(account);
        var m = new StringBuilder();
        m.Append("<h1>Your webhooks</h1>\n");
        m.Append(NotificationSession.SignedInAs(context, account)).Append('\n');
        m.Append(notice).Append('\n');
        if (webHooks.Count == 0)
            m.Append($"<p>Your account has no webhooks yet. Create one with <code>CreateWebHook</code>, for example in the <a href=\"{E(b + "/demo")}\">Web Service Demo</a>.</p>\n");
        foreach (var webHook in webHooks)
            await AppendWebHookAsync(m, context, account, webHook);
        return Respond(context, Document(context.Request, "Your webhooks", m.ToString()), status);
    }

    private async Task AppendWebHookAsync(StringBuilder m, HttpContext context, string account, WebHookRecord w)
    {
        var b = context.Request.PathBase.Value ?? "";
        var heading = $"webhook-{w.Id}-heading";
        m.Append($"<section class=\"card\" id=\"webhook-{w.Id}\" aria-labelledby=\"{heading}\" data-webhook=\"{w.Id}\">\n");
        m.Append($"<h2 id=\"{heading}\">Webhook {w.Id} <span class=\"badge {(w.Active ? "active" : "inactive")}\" data-field=\"state\">{(w.Active ? "active" : "deactivated")}</span></h2>\n");
        m.Append("<dl>\n");
        m.Append($"<dt>Event</dt><dd>{E(w.Event)}</dd>\n");
        m.Append($"<dt>URL</dt><dd>{E(w.Url)}</dd>\n");
        m.Append($"<dt>App</dt><dd>{E(w.App)}</dd>\n");
        m.Append($"<dt>Created</dt><dd>{Time(w.Created)}</dd>\n");
        if (!w.Active) m.Append($"<dt>Deactivated</dt><dd>{Time(w.Deactivated)}</dd>\n");
        m.Append($"<dt>Buffered events</dt><dd data-field=\"bufferedEvents\">{w.BufferedEvents}</dd>\n");
        m.Append($"<dt>Events not kept</dt><dd data-field=\"droppedEvents\">{w.DroppedEvents}</dd>\n");
        m.Append($"<dt>Last error</dt><dd data-field=\"lastError\">{(w.LastError == "" ? "none" : E(w.LastError))}</dd>\n");
        m.Append("</dl>\n");

        var attempts = await operations.DeliveriesAsync(account, w.Id, AttemptsShown) ?? [];
        if (attempts.Count == 0)
        {
            m.Append("<p class=\"muted\" data-field=\"attempts\">No delivery attempts in the last 7 days.</p>\n");
        }
        else
        {
            m.Append($"<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Delivery attempts of webhook {w.Id}\">\n");
            m.Append("<table class=\"attempts\" data-field=\"attempts\">\n");
            m.Append(attempts.Count == 1 ? "<caption>The latest delivery attempt</caption>\n" : $"<caption>The latest {attempts.Count} delivery attempts, newest first</caption>\n");
            m.Append("<thead><tr><th scope=\"col\">time (UTC)</th><th scope=\"col\">event id</th><th scope=\"col\">attempt</th>");
            m.Append("<th scope=\"col\">status</th><th scope=\"col\">duration</th><th scope=\"col\">result</th></tr></thead>\n<tbody>\n");
            foreach (var a in attempts)
            {
                m.Append("<tr>");
                m.Append($"<td data-field=\"created\">{a.Created:yyyy-MM-dd HH:mm:ss}</td>");
                m.Append($"<td data-field=\"eventId\"><code>{E(a.EventId)}</code></td>");
                m.Append($"<td data-field=\"attempt\">{a.Attempt}</td>");
                m.Append($"<td data-field=\"status\">{(a.Status == 0 ? "no response" : a.Status.ToString(CultureInfo.InvariantCulture))}</td>");
                m.Append($"<td data-field=\"durationMs\">{a.DurationMs} ms</td>");
                m.Append(a.Succeeded
                    ? "<td data-field=\"result\">delivered</td>"
                    : $"<td data-field=\"result\" class=\"failed\">failed: {E(a.Error)}</td>");
                m.Append("</tr>\n");
            }
            m.Append("</tbody>\n</table>\n</div>\n");
        }

        var action = $"{b}/account/webhooks/{w.Id}";
        var antiforgery = PageForms.AntiforgeryField(context);
        m.Append($"<div class=\"webhook-actions\" aria-label=\"Actions for webhook {w.Id}\" role=\"group\">\n");
        if (!w.Active)
        {
            m.Append($"""
                <form method="post" action="{E(action + "/activate")}">
                {antiforgery}
                <p class="hint" id="activate-{w.Id}-help">Activate it again. With replay, the {w.BufferedEvents} buffered events are delivered first, in their original order; without, they are discarded.</p>
                <div class="actions">
                <button type="submit" name="replay" value="1" class="primary" aria-describedby="activate-{w.Id}-help">Activate and replay buffered events</button>
                <button type="submit" name="replay" value="0" aria-describedby="activate-{w.Id}-help">Activate</button>
                </div>
                </form>
                """).Append('\n');
        }
        m.Append($"""
            <form method="post" action="{E(action + "/test")}">
            {antiforgery}
            <p class="hint" id="test-{w.Id}-help">Publishes an event <code>{E(w.Event)}</code> whose data is <code>{E("{\"test\":true,…}")}</code>: delivered like any other, to every webhook of your account on that event.</p>
            <div class="actions"><button type="submit" aria-describedby="test-{w.Id}-help">Send a test event</button></div>
            </form>
            <form method="post" action="{E(action + "/rotate")}">
            {antiforgery}
            <p class="hint" id="rotate-{w.Id}-help">A new signing secret, shown once. For 24 hours deliveries carry signatures with both secrets.</p>
            <div class="actions"><button type="submit" aria-describedby="rotate-{w.Id}-help">Rotate the secret</button></div>
            </form>
            <form method="post" action="{E(action + "/delete")}">
            {antiforgery}
            <label><input type="checkbox" name="confirm" value="yes" required> Delete webhook {w.Id} and everything queued or buffered for it</label>
            <div class="actions"><button type="submit" class="danger">Delete</button></div>
            </form>
            """).Append('\n');
        m.Append("</div>\n</section>\n");
    }

    private static string Count(long n, string one, string many) => n == 1 ? $"1 {one}" : $"{n} {many}";
}
