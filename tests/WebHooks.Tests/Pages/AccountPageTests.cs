using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using WebHooks.Tests.Lifecycle;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Pages;

/// <summary>
/// <c>/account</c> over HTTP: the sign-in of the notification page leads there; it shows the account's webhooks only,
/// with state, buffer, last error and recent attempts; a GET changes nothing; every action is a POST with antiforgery,
/// and goes through the engine (a rotation's secret is shown once, a deletion needs its box ticked, a test event is
/// delivered like any other).
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed partial class AccountPageTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [TestMethod]
    public async Task The_sign_in_leads_to_the_account_page_which_lists_the_accounts_webhooks_only()
    {
        await using var kit = await LifecycleKit.StartAsync();
        await kit.Host.AddAccountAsync("someone-else", "else-pw");
        var others = await kit.Host.Get<WebHooks.Management.WebHookOperations>().CreateWebHookAsync("someone-else", "else-pw", "theirs", "optin_finalized", "http://127.0.0.1:9/theirs");
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Enqueue(new ReceiverResponse(410));
        var webHook = await kit.CreateAsync(receiver.Url());
        var (eventId, _) = await kit.PublishAsync(1);
        await kit.WaitUntilInactiveAsync(webHook.Id);
        await kit.PublishAsync(2);
        await LifecycleKit.WaitUntilAsync(() => kit.Ops.DeliveriesAsync(LifecycleKit.Account, webHook.Id, 10).GetAwaiter().GetResult()!.Count == 1,
            "the attempt is logged");
        using var client = kit.Client();

        using (var anonymous = await client.GetAsync("account"))
        {
            Assert.AreEqual(HttpStatusCode.Redirect, anonymous.StatusCode);
            Assert.AreEqual("/notifications/signin?next=/account", anonymous.Headers.Location?.OriginalString);
        }
        var html = await SignInAsync(kit, client);

        StringAssert.Contains(html, "<h1>Your webhooks</h1>");
        StringAssert.Contains(html, $"id=\"webhook-{webHook.Id}\"");
        Assert.IsFalse(html.Contains($"id=\"webhook-{others.Result!.Id}\""), "another account's webhook is not shown");
        Assert.IsFalse(html.Contains("http://127.0.0.1:9/theirs"));
        var card = Card(html, webHook.Id);
        StringAssert.Contains(card, "data-field=\"state\">deactivated</span>");
        StringAssert.Contains(card, "<dd data-field=\"bufferedEvents\">2</dd>");
        StringAssert.Contains(card, "<dd data-field=\"droppedEvents\">0</dd>");
        StringAssert.Contains(card, "<dd data-field=\"lastError\">HTTP 410 Gone</dd>");
        StringAssert.Contains(card, $"<td data-field=\"eventId\"><code>{eventId}</code></td>");
        StringAssert.Contains(card, "<td data-field=\"status\">410</td>");
        StringAssert.Contains(card, ">Activate and replay buffered events</button>");
        Assert.IsFalse(html.Contains(webHook.Secret), "the page never shows a secret unasked");
        Assert.IsFalse(html.Contains("<script", StringComparison.OrdinalIgnoreCase), "no script on the account page");
        Assert.IsFalse(kit.Get(webHook.Id).Active, "showing it changed nothing");
    }

    [TestMethod]
    public async Task Pages_share_one_frame_one_style_sheet_and_the_strict_headers()
    {
        await using var kit = await LifecycleKit.StartAsync();
        using var client = kit.Client();
        var account = await SignInAsync(kit, client);

        foreach (var (path, html) in new[]
                 {
                     ("account", account), ("notifications", await client.GetStringAsync("notifications")),
                     ("demo", await client.GetStringAsync("demo")), ("", await client.GetStringAsync("")),
                 })
        {
            StringAssert.Contains(html, "<link rel=\"stylesheet\" href=\"/assets/site.css\">", path);
            foreach (var link in new[] { "href=\"/\"", "href=\"/demo\"", "href=\"/account\"", "href=\"/notifications\"" })
                StringAssert.Contains(html, link, path);
            Assert.IsFalse(html.Contains("<style", StringComparison.OrdinalIgnoreCase) || html.Contains("style=\"", StringComparison.OrdinalIgnoreCase), $"{path}: no inline style");
        }
        using var response = await client.GetAsync("notifications");
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        StringAssert.Contains(csp, "style-src 'self'");
        Assert.IsFalse(csp.Contains("unsafe-inline"), csp);
        using var css = await client.GetAsync("assets/site.css");
        Assert.AreEqual("text/css", css.Content.Headers.ContentType?.MediaType);
    }

    [TestMethod]
    public async Task A_post_without_the_antiforgery_token_changes_nothing()
    {
        await using var kit = await LifecycleKit.StartAsync();
        var webHook = await kit.CreateAsync("http://127.0.0.1:9/kept");
        using var client = kit.Client();
        await SignInAsync(kit, client);

        using var forged = await client.PostAsync($"account/webhooks/{webHook.Id}/delete", new FormUrlEncodedContent(new Dictionary<string, string> { ["confirm"] = "yes" }));
        using var rotate = await client.PostAsync($"account/webhooks/{webHook.Id}/rotate", new FormUrlEncodedContent(new Dictionary<string, string>()));

        Assert.AreEqual(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.AreEqual(HttpStatusCode.BadRequest, rotate.StatusCode);
        StringAssert.Contains(await forged.Content.ReadAsStringAsync(), "Nothing was changed");
        Assert.AreEqual(webHook.Secret, kit.Get(webHook.Id).Secret);
        using var anonymous = kit.Client();
        using var signedOut = await anonymous.PostAsync($"account/webhooks/{webHook.Id}/delete", new FormUrlEncodedContent(new Dictionary<string, string> { ["confirm"] = "yes" }));
        Assert.AreEqual(HttpStatusCode.Redirect, signedOut.StatusCode, "not signed in: to the sign-in page");
        Assert.IsNotNull(await kit.Ops.FindAsync(LifecycleKit.Account, webHook.Id));
    }

    [TestMethod]
    public async Task Rotating_shows_the_new_secret_once()
    {
        await using var kit = await LifecycleKit.StartAsync();
        var webHook = await kit.CreateAsync("http://127.0.0.1:9/rotate");
        using var client = kit.Client();
        var page = await SignInAsync(kit, client);

        using var response = await PostActionAsync(client, page, $"account/webhooks/{webHook.Id}/rotate");
        var html = await response.Content.ReadAsStringAsync();

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, html);
        var shown = NewSecret().Match(html);
        Assert.IsTrue(shown.Success, html);
        var secret = shown.Groups[1].Value;
        Assert.AreEqual(kit.Get(webHook.Id).Secret, secret, "the secret shown is the webhook's new one");
        Assert.AreNotEqual(webHook.Secret, secret);
        Assert.AreEqual("no-store", response.Headers.CacheControl?.ToString());
        Assert.IsFalse((await client.GetStringAsync("account")).Contains(secret), "shown once: not on the page afterwards");
    }

    [TestMethod]
    public async Task Deleting_needs_the_box_ticked()
    {
        await using var kit = await LifecycleKit.StartAsync();
        var webHook = await kit.CreateAsync("http://127.0.0.1:9/delete");
        using var client = kit.Client();
        var page = await SignInAsync(kit, client);

        using (var unconfirmed = await PostActionAsync(client, page, $"account/webhooks/{webHook.Id}/delete"))
        {
            Assert.AreEqual(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
            Assert.IsNotNull(await kit.Ops.FindAsync(LifecycleKit.Account, webHook.Id));
        }
        using var confirmed = await PostActionAsync(client, page, $"account/webhooks/{webHook.Id}/delete", ("confirm", "yes"));

        Assert.AreEqual(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.IsNull(await kit.Ops.FindAsync(LifecycleKit.Account, webHook.Id));
        StringAssert.Contains(await client.GetStringAsync(confirmed.Headers.Location!.OriginalString.TrimStart('/')), $"Webhook {webHook.Id} was deleted");

        using var again = await PostActionAsync(client, page, $"account/webhooks/{webHook.Id}/delete", ("confirm", "yes"));
        Assert.AreEqual(HttpStatusCode.NotFound, again.StatusCode);
    }

    [TestMethod]
    public async Task A_test_event_is_delivered_like_any_other_and_marked_as_a_test()
    {
        await using var kit = await LifecycleKit.StartAsync();
        await using var receiver = await TestReceiver.StartAsync();
        var webHook = await kit.CreateAsync(receiver.Url(), @event: "optout_finalized");
        using var client = kit.Client();
        var page = await SignInAsync(kit, client);

        using var sent = await PostActionAsync(client, page, $"account/webhooks/{webHook.Id}/test");

        Assert.AreEqual(HttpStatusCode.Redirect, sent.StatusCode, await sent.Content.ReadAsStringAsync());
        var request = (await receiver.WaitForRequestsAsync(1, Deadline)).Single();
        Assert.AreEqual("optout_finalized", request.Header("webhook-event"));
        using var data = JsonDocument.Parse(request.BodyText);
        Assert.IsTrue(data.RootElement.GetProperty("test").GetBoolean());
        Assert.AreEqual(webHook.Id, data.RootElement.GetProperty("webhookId").GetInt32());
        new StandardWebhooks.StandardWebhook(webHook.Secret).Verify(request.BodyText, request.Headers);
        StringAssert.Contains(await client.GetStringAsync(sent.Headers.Location!.OriginalString.TrimStart('/')), "A test event was published");

        using var notMine = await PostActionAsync(client, page, "account/webhooks/987654/test");
        Assert.AreEqual(HttpStatusCode.NotFound, notMine.StatusCode);
    }

    /// <summary>Signs in through the notification page's form with next=/account; returns the account page.</summary>
    internal static async Task<string> SignInAsync(LifecycleKit kit, HttpClient client)
    {
        var form = await client.GetStringAsync("notifications/signin?next=/account");
        using var signIn = await client.PostAsync("notifications/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = LifecycleKit.AntiforgeryToken(form), ["next"] = "/account",
            ["username"] = LifecycleKit.Account, ["password"] = LifecycleKit.Password,
        }));
        Assert.AreEqual(HttpStatusCode.Redirect, signIn.StatusCode, await signIn.Content.ReadAsStringAsync());
        Assert.AreEqual("/account", signIn.Headers.Location?.OriginalString);
        return await client.GetStringAsync("account");
    }

    private static Task<HttpResponseMessage> PostActionAsync(HttpClient client, string page, string path, params (string Name, string Value)[] fields)
    {
        var form = new Dictionary<string, string> { ["__RequestVerificationToken"] = LifecycleKit.AntiforgeryToken(page) };
        foreach (var (name, value) in fields) form[name] = value;
        return client.PostAsync(path, new FormUrlEncodedContent(form));
    }

    private static string Card(string html, int id)
    {
        var start = html.IndexOf($"id=\"webhook-{id}\"", StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, start, html);
        return html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
    }

    [GeneratedRegex("<code data-field=\"newSecret\">([^<]+)</code>")]
    private static partial Regex NewSecret();
}
