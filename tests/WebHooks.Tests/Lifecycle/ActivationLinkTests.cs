using System.Net;
using WebHooks.Lifecycle;
using WebHooks.Storage;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Lifecycle;

/// <summary>
/// The signed reactivation link (spec 6): opening it changes nothing, only a button does (POST with antiforgery),
/// once; forged or altered links are refused; a link for a deleted or active-again webhook says so.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class ActivationLinkTests
{
    private sealed record Deactivated(LifecycleKit Kit, TestReceiver Receiver, int WebHookId, Notification Notification, string Path, string[] EventIds)
        : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Receiver.DisposeAsync();
            await Kit.DisposeAsync();
        }
    }

    /// <summary>A webhook deactivated by 410 with three buffered events, and its notification.</summary>
    private static async Task<Deactivated> DeactivatedWebHookAsync()
    {
        var kit = await LifecycleKit.StartAsync();
        var receiver = await TestReceiver.StartAsync();
        receiver.Enqueue(new ReceiverResponse(410));
        var webHook = await kit.CreateAsync(receiver.Url());
        var (e1, _) = await kit.PublishAsync(1);
        await kit.WaitUntilInactiveAsync(webHook.Id);
        var (e2, _) = await kit.PublishAsync(2);
        var (e3, _) = await kit.PublishAsync(3);
        var notification = kit.NotificationsOf(webHook.Id).Single();
        var path = kit.LinkOf(notification).TrimStart('/');
        return new Deactivated(kit, receiver, webHook.Id, notification, path, [e1, e2, e3]);
    }

    private static async Task<(HttpStatusCode Status, string Html)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<(HttpStatusCode Status, string Html)> PostAsync(HttpClient client, string path, Dictionary<string, string> form)
    {
        using var response = await client.PostAsync(path, new FormUrlEncodedContent(form));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The form of the link page with one of its buttons, as a browser would submit it.</summary>
    private static async Task<Dictionary<string, string>> FormOfAsync(HttpClient client, string path, string action, string? token = null)
    {
        var (status, html) = await GetAsync(client, path);
        Assert.AreEqual(HttpStatusCode.OK, status, html);
        return new()
        {
            ["__RequestVerificationToken"] = LifecycleKit.AntiforgeryToken(html),
            ["token"] = token ?? Uri.UnescapeDataString(path[(path.IndexOf("token=") + 6)..]),
            ["action"] = action,
        };
    }

    private static string PostPath(string path) => path[..path.IndexOf('?')];

    private static async Task<(HttpStatusCode Status, string Html)> UseButtonAsync(HttpClient client, string path, string action, string? token = null) =>
        await PostAsync(client, PostPath(path), await FormOfAsync(client, path, action, token));

    [TestMethod]
    public async Task Opening_the_link_shows_the_webhook_and_changes_nothing()
    {
        await using var d = await DeactivatedWebHookAsync();
        using var client = d.Kit.Client();

        for (var i = 0; i < 3; i++)
        {
            var (status, html) = await GetAsync(client, d.Path);
            Assert.AreEqual(HttpStatusCode.OK, status);
            StringAssert.Contains(html, $"Webhook {d.WebHookId} is deactivated");
            StringAssert.Contains(html, d.Receiver.Url());
            StringAssert.Contains(html, "<dd data-field=\"lastError\">HTTP 410 Gone</dd>");
            StringAssert.Contains(html, "<dd data-field=\"bufferedEvents\">3</dd>");
            StringAssert.Contains(html, ">Activate</button>");
            StringAssert.Contains(html, ">Activate and replay buffered events</button>");
            StringAssert.Contains(html, "method=\"post\"");
            StringAssert.Contains(html, "lang=\"en\"");
            Assert.IsFalse(html.Contains("<script", StringComparison.OrdinalIgnoreCase) || html.Contains("src=\"http", StringComparison.OrdinalIgnoreCase),
                "no script, no asset from elsewhere");
        }

        var webHook = d.Kit.Get(d.WebHookId);
        Assert.IsFalse(webHook.Active);
        Assert.AreEqual(3, webHook.BufferedEvents);
        Assert.IsNull(d.Kit.NotificationsOf(d.WebHookId).Single().Used);
        Assert.AreEqual(1, d.Receiver.Count);
    }

    [TestMethod]
    public async Task Forged_and_altered_links_are_refused()
    {
        await using var d = await DeactivatedWebHookAsync();
        using var client = d.Kit.Client();
        var id = d.Notification.Id;
        var token = d.Path[(d.Path.IndexOf("token=") + 6)..];
        var altered = (token[0] == 'A' ? 'B' : 'A') + token[1..];
        var forgedLinks = new[]
        {
            $"notifications/{id}",                                  // no token
            $"notifications/{id}?token=",                           // empty token
            $"notifications/{id}?token={altered}",                  // one character changed
            $"notifications/{id}?token={token[..^2]}",              // truncated
            $"notifications/{id + 1}?token={token}",                // another notification's id
            $"notifications/{id}?token=not-base64-at-all!",         // garbage
            $"notifications/{id}?token={Convert.ToBase64String(new byte[32]).TrimEnd('=')}",
        };
        foreach (var link in forgedLinks)
        {
            var (status, html) = await GetAsync(client, link);
            Assert.AreEqual(HttpStatusCode.NotFound, status, link);
            StringAssert.Contains(html, "This link is not valid");
            Assert.IsFalse(html.Contains("<button type=\"submit\" name=\"action\""), link);
        }

        // A POST with a valid form (antiforgery) but a forged token changes nothing either.
        var (postStatus, _) = await UseButtonAsync(client, d.Path, ActivationLinkPageActions.Replay, token: altered);
        Assert.AreEqual(HttpStatusCode.NotFound, postStatus);
        Assert.IsFalse(d.Kit.Get(d.WebHookId).Active);
        Assert.IsNull(d.Kit.NotificationsOf(d.WebHookId).Single().Used);
    }

    [TestMethod]
    public async Task A_post_without_the_antiforgery_token_changes_nothing()
    {
        await using var d = await DeactivatedWebHookAsync();
        using var client = d.Kit.Client();
        var token = Uri.UnescapeDataString(d.Path[(d.Path.IndexOf("token=") + 6)..]);

        var (status, html) = await PostAsync(client, $"notifications/{d.Notification.Id}",
            new() { ["token"] = token, ["action"] = ActivationLinkPageActions.Activate });
        Assert.AreEqual(HttpStatusCode.BadRequest, status);
        StringAssert.Contains(html, "Nothing was changed");

        // A cross-site form cannot know the token; a token from another session does not fit this one's cookie.
        var (_, page) = await GetAsync(d.Kit.Client(), d.Path);
        var (crossStatus, _) = await PostAsync(client, $"notifications/{d.Notification.Id}",
            new() { ["__RequestVerificationToken"] = LifecycleKit.AntiforgeryToken(page), ["token"] = token, ["action"] = ActivationLinkPageActions.Activate });
        Assert.AreEqual(HttpStatusCode.BadRequest, crossStatus);

        Assert.IsFalse(d.Kit.Get(d.WebHookId).Active);
        Assert.IsNull(d.Kit.NotificationsOf(d.WebHookId).Single().Used);
    }

    [TestMethod]
    public async Task The_replay_button_works_once()
    {
        await using var d = await DeactivatedWebHookAsync();
        using var client = d.Kit.Client();

        var (status, html) = await UseButtonAsync(client, d.Path, ActivationLinkPageActions.Replay);
        Assert.AreEqual(HttpStatusCode.OK, status, html);
        StringAssert.Contains(html, $"Webhook {d.WebHookId} is active again");
        StringAssert.Contains(html, "<dd data-field=\"replayedEvents\">3</dd>");
        StringAssert.Contains(html, "<dd data-field=\"discardedEvents\">0</dd>");
        Assert.IsTrue(d.Kit.Get(d.WebHookId).Active);
        Assert.IsNotNull(d.Kit.NotificationsOf(d.WebHookId).Single().Used);
        await d.Receiver.WaitForRequestsAsync(4, LifecycleKit.Deadline);
        CollectionAssert.AreEqual(new[] { d.EventIds[0], d.EventIds[0], d.EventIds[1], d.EventIds[2] }, LifecycleKit.EventIds(d.Receiver));

        // The page now says so, without buttons.
        var (pageStatus, page) = await GetAsync(client, d.Path);
        Assert.AreEqual(HttpStatusCode.OK, pageStatus);
        StringAssert.Contains(page, "This link was already used");
        Assert.IsFalse(page.Contains("<button type=\"submit\" name=\"action\""));
    }

    [TestMethod]
    public async Task Posting_the_form_a_second_time_is_refused()
    {
        await using var d = await DeactivatedWebHookAsync();
        using var client = d.Kit.Client();
        var form = await FormOfAsync(client, d.Path, ActivationLinkPageActions.Activate);

        var (first, firstHtml) = await PostAsync(client, PostPath(d.Path), form);
        Assert.AreEqual(HttpStatusCode.OK, first, firstHtml);
        StringAssert.Contains(firstHtml, "<dd data-field=\"discardedEvents\">3</dd>");
        var used = d.Kit.NotificationsOf(d.WebHookId).Single().Used;
        Assert.IsNotNull(used);

        // The same POST again, and the other button too.
        var (second, secondHtml) = await PostAsync(client, PostPath(d.Path), form);
        Assert.AreEqual(HttpStatusCode.Conflict, second);
        StringAssert.Contains(secondHtml, "This link was already used");
        form["action"] = ActivationLinkPageActions.Replay;
        var (third, _) = await PostAsync(client, PostPath(d.Path), form);
        Assert.AreEqual(HttpStatusCode.Conflict, third);
        Assert.AreEqual(used, d.Kit.NotificationsOf(d.WebHookId).Single().Used);

        var (e4, _) = await d.Kit.PublishAsync(4);
        await d.Receiver.WaitForRequestsAsync(2, LifecycleKit.Deadline);
        await d.Kit.WaitUntilDeliveredAsync(d.WebHookId, 4);
        CollectionAssert.AreEqual(new[] { d.EventIds[0], e4 }, LifecycleKit.EventIds(d.Receiver), "discarded, not replayed");
    }

    [TestMethod]
    public async Task The_link_of_a_webhook_active_again_says_so_and_changes_nothing()
    {
        await using var d = await DeactivatedWebHookAsync();
        using var client = d.Kit.Client();
        var form = await FormOfAsync(client, d.Path, ActivationLinkPageActions.Replay);
        await d.Kit.ActivateAsync(d.WebHookId, replay: false); // through the management API meanwhile

        var (status, html) = await GetAsync(client, d.Path);
        Assert.AreEqual(HttpStatusCode.OK, status);
        StringAssert.Contains(html, $"Webhook {d.WebHookId} is active again");
        Assert.IsFalse(html.Contains("<button type=\"submit\" name=\"action\""));

        var (postStatus, postHtml) = await PostAsync(client, PostPath(d.Path), form);
        Assert.AreEqual(HttpStatusCode.Conflict, postStatus);
        StringAssert.Contains(postHtml, "is active again");
        Assert.IsNull(d.Kit.NotificationsOf(d.WebHookId).Single().Used);
    }

    [TestMethod]
    public async Task The_link_of_a_deleted_webhook_says_so()
    {
        await using var d = await DeactivatedWebHookAsync();
        using var client = d.Kit.Client();
        var form = await FormOfAsync(client, d.Path, ActivationLinkPageActions.Replay);
        var deleted = await d.Kit.Ops.DeleteWebHookByIdAsync(LifecycleKit.Account, LifecycleKit.Password, d.WebHookId);
        Assert.AreEqual(WebHooks.Management.ErrorCode.Ok, deleted.Error);
        var recreated = await d.Kit.CreateAsync(d.Receiver.Url("/new")); // may even get the same id back

        var (status, html) = await GetAsync(client, d.Path);
        Assert.AreEqual(HttpStatusCode.OK, status);
        StringAssert.Contains(html, $"Webhook {d.WebHookId} was deleted");
        var (postStatus, postHtml) = await PostAsync(client, PostPath(d.Path), form);
        Assert.AreEqual(HttpStatusCode.Conflict, postStatus);
        StringAssert.Contains(postHtml, "was deleted");
        Assert.IsTrue(d.Kit.Get(recreated.Id).Active);
    }

    [TestMethod]
    public async Task The_account_page_needs_a_sign_in_and_lists_the_notifications()
    {
        await using var d = await DeactivatedWebHookAsync();
        using var client = d.Kit.Client();

        using (var anonymous = await client.GetAsync("notifications"))
        {
            Assert.AreEqual(HttpStatusCode.Redirect, anonymous.StatusCode);
            Assert.AreEqual("/notifications/signin", anonymous.Headers.Location?.OriginalString);
        }
        var (_, signIn) = await GetAsync(client, "notifications/signin");
        StringAssert.Contains(signIn, "<label for=\"password\">");
        var antiforgery = LifecycleKit.AntiforgeryToken(signIn);

        var (wrong, wrongHtml) = await PostAsync(client, "notifications/signin",
            new() { ["__RequestVerificationToken"] = antiforgery, ["username"] = LifecycleKit.Account, ["password"] = "wrong" });
        Assert.AreEqual(HttpStatusCode.Unauthorized, wrong);
        StringAssert.Contains(wrongHtml, "Sign-in failed");

        using (var ok = await client.PostAsync("notifications/signin", new FormUrlEncodedContent(new Dictionary<string, string>
               { ["__RequestVerificationToken"] = antiforgery, ["username"] = LifecycleKit.Account, ["password"] = LifecycleKit.Password })))
        {
            Assert.AreEqual(HttpStatusCode.Redirect, ok.StatusCode, await ok.Content.ReadAsStringAsync());
        }
        var (status, list) = await GetAsync(client, "notifications");
        Assert.AreEqual(HttpStatusCode.OK, status, list);
        StringAssert.Contains(list, $"Webhook {d.WebHookId} deactivated");
        StringAssert.Contains(list, System.Net.WebUtility.HtmlEncode(d.Notification.Message));
        StringAssert.Contains(list, System.Net.WebUtility.HtmlEncode("/" + d.Path));
        StringAssert.Contains(list, "<dd data-field=\"bufferedEvents\">3</dd>");

        // Signed out, the list is gone again.
        var (signOutStatus, _) = await PostAsync(client, "notifications/signout", new() { ["__RequestVerificationToken"] = LifecycleKit.AntiforgeryToken(list) });
        Assert.AreEqual(HttpStatusCode.Redirect, signOutStatus);
        using var after = await client.GetAsync("notifications");
        Assert.AreEqual(HttpStatusCode.Redirect, after.StatusCode);
    }
}

internal static class ActivationLinkPageActions
{
    public const string Activate = "activate";
    public const string Replay = "replay";
}
