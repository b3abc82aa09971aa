using WebHooks.Management;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Management;

/// <summary>The four functions through the engine, over a real store: validation, error codes, ownership, limits.</summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class WebHookOperationsTests
{
    private const string Url = "https://hooks.example.com/optin";
    private static ServiceHost _host = null!;
    private static WebHookOperations Ops => _host.Get<WebHookOperations>();

    [ClassInitialize]
    public static async Task Start(TestContext _)
    {
        _host = await ServiceHost.StartAsync(settings: new Dictionary<string, string> { ["WebHooks:Limits:WebHooksPerAccount"] = "3" });
        await _host.AddAccountAsync("alice", "alice-pw");
        await _host.AddAccountAsync("bob", "bob-pw");
        await _host.AddAccountAsync("carol", "carol-pw");
    }

    [ClassCleanup]
    public static async Task Stop() => await _host.DisposeAsync();

    [TestMethod]
    public async Task Create_returns_the_new_webhook_with_a_secret()
    {
        var outcome = await Ops.CreateWebHookAsync("alice", "alice-pw", "shop", "optin_finalized", Url);

        Assert.AreEqual(ErrorCode.Ok, outcome.Error, outcome.Message);
        Assert.AreEqual("successfully executed", outcome.Message);
        var webHook = outcome.Result!;
        Assert.IsTrue(webHook.Id > 0);
        Assert.AreEqual(("shop", "optin_finalized", Url, true), (webHook.App, webHook.Event, webHook.Url, webHook.Active));
        Assert.IsNull(webHook.Deactivated);
        Assert.AreEqual(0, webHook.BufferedEvents);
        StringAssert.StartsWith(webHook.Secret, "whsec_");
        Assert.AreEqual(32, Convert.FromBase64String(webHook.Secret["whsec_".Length..]).Length);
        await Ops.DeleteWebHookByIdAsync("alice", "alice-pw", webHook.Id);
    }

    [TestMethod]
    [DataRow(null, "pw", "username")]
    [DataRow("alice", "", "password")]
    public async Task Missing_credentials_are_error_2(string? user, string? password, string name)
    {
        var outcome = await Ops.GetWebHooksAsync(user, password);
        Assert.AreEqual(ErrorCode.MissingParameter, outcome.Error);
        Assert.AreEqual($"missing parameter: {name}", outcome.Message);
    }

    [TestMethod]
    [DataRow("alice", "wrong")]
    [DataRow("nobody", "alice-pw")]
    public async Task Bad_credentials_are_error_1(string user, string password)
    {
        var outcome = await Ops.CreateWebHookAsync(user, password, "shop", "optin_finalized", Url);
        Assert.AreEqual(ErrorCode.LoginFailed, outcome.Error);
        Assert.AreEqual("login failed", outcome.Message);
        Assert.IsNull(outcome.Result);
    }

    [TestMethod]
    [DataRow("", "optin_finalized", Url, "missing parameter: app")]
    [DataRow("shop", "", Url, "missing parameter: event")]
    [DataRow("shop", "optin_finalized", "", "missing parameter: url")]
    public async Task Missing_parameters_are_error_2(string app, string ev, string url, string message)
    {
        var outcome = await Ops.CreateWebHookAsync("alice", "alice-pw", app, ev, url);
        Assert.AreEqual(ErrorCode.MissingParameter, outcome.Error);
        Assert.AreEqual(message, outcome.Message);
    }

    [TestMethod]
    [DataRow("ftp://hooks.example.com/x", "url")]
    [DataRow("/relative/path", "url")]
    [DataRow("http://user:secret@hooks.example.com/", "url")]
    [DataRow("http://exa mple.com/", "url")]
    [DataRow("javascript:alert(1)", "url")]
    [DataRow("not a url", "url")]
    public async Task Bad_urls_are_error_3(string url, string name)
    {
        var outcome = await Ops.CreateWebHookAsync("alice", "alice-pw", "shop", "optin_finalized", url);
        Assert.AreEqual(ErrorCode.InvalidParameter, outcome.Error, url);
        StringAssert.StartsWith(outcome.Message, $"invalid parameter: {name}: ");
    }

    [TestMethod]
    public async Task Overlong_values_are_error_3()
    {
        var longApp = await Ops.CreateWebHookAsync("alice", "alice-pw", new string('a', 101), "optin_finalized", Url);
        var longUrl = await Ops.CreateWebHookAsync("alice", "alice-pw", "shop", "optin_finalized", "https://example.com/" + new string('x', 2000));
        var hundred = await Ops.CreateWebHookAsync("alice", "alice-pw", new string('a', 100), "optin_finalized", Url);

        StringAssert.StartsWith(longApp.Message, "invalid parameter: app: ");
        StringAssert.StartsWith(longUrl.Message, "invalid parameter: url: ");
        Assert.AreEqual(ErrorCode.Ok, hundred.Error, "100 characters are allowed");
        await Ops.DeleteWebHookByIdAsync("alice", "alice-pw", hundred.Result!.Id);
    }

    [TestMethod]
    public async Task An_unknown_event_is_error_3_naming_the_valid_ones()
    {
        var outcome = await Ops.CreateWebHookAsync("alice", "alice-pw", "shop", "optin", Url);
        Assert.AreEqual(ErrorCode.InvalidParameter, outcome.Error);
        StringAssert.StartsWith(outcome.Message, "invalid parameter: event: ");
        foreach (var name in EventNames.All) StringAssert.Contains(outcome.Message, name);
    }

    [TestMethod]
    public async Task GetWebHooks_lists_oldest_first_and_filters_by_app_and_event()
    {
        var a = (await Ops.CreateWebHookAsync("bob", "bob-pw", "crm", "optin_finalized", Url)).Result!;
        var b = (await Ops.CreateWebHookAsync("bob", "bob-pw", "shop", "optout_finalized", Url)).Result!;
        var c = (await Ops.CreateWebHookAsync("bob", "bob-pw", "crm", "optout_finalized", Url)).Result!;

        CollectionAssert.AreEqual(new[] { a.Id, b.Id, c.Id }, Ids(await Ops.GetWebHooksAsync("bob", "bob-pw")));
        CollectionAssert.AreEqual(new[] { a.Id, c.Id }, Ids(await Ops.GetWebHooksAsync("bob", "bob-pw", app: "crm")));
        CollectionAssert.AreEqual(new[] { b.Id, c.Id }, Ids(await Ops.GetWebHooksAsync("bob", "bob-pw", @event: "optout_finalized")));
        CollectionAssert.AreEqual(new[] { c.Id }, Ids(await Ops.GetWebHooksAsync("bob", "bob-pw", "crm", "optout_finalized")));
        CollectionAssert.AreEqual(Array.Empty<int>(), Ids(await Ops.GetWebHooksAsync("bob", "bob-pw", "none")));
        Assert.AreEqual(ErrorCode.InvalidParameter, (await Ops.GetWebHooksAsync("bob", "bob-pw", null, "nope")).Error);

        // The limit for this host is 3 webhooks: the fourth is error 5, and nothing was stored.
        var fourth = await Ops.CreateWebHookAsync("bob", "bob-pw", "crm", "optin_finalized", Url);
        Assert.AreEqual(ErrorCode.LimitReached, fourth.Error);
        StringAssert.StartsWith(fourth.Message, "limit reached");
        Assert.AreEqual(3, Ids(await Ops.GetWebHooksAsync("bob", "bob-pw")).Length);

        foreach (var id in new[] { a.Id, b.Id, c.Id }) await Ops.DeleteWebHookByIdAsync("bob", "bob-pw", id);
    }

    [TestMethod]
    public async Task Another_accounts_webhook_does_not_exist()
    {
        var alices = (await Ops.CreateWebHookAsync("alice", "alice-pw", "shop", "optin_finalized", Url)).Result!;

        Assert.AreEqual(ErrorCode.NotFound, (await Ops.ActivateWebHookAsync("carol", "carol-pw", alices.Id)).Error);
        Assert.AreEqual(ErrorCode.NotFound, (await Ops.DeleteWebHookByIdAsync("carol", "carol-pw", alices.Id)).Error);
        Assert.AreEqual("webhook not found", (await Ops.DeleteWebHookByIdAsync("carol", "carol-pw", alices.Id)).Message);
        CollectionAssert.DoesNotContain(Ids(await Ops.GetWebHooksAsync("carol", "carol-pw")), alices.Id);

        // Still there for its owner.
        CollectionAssert.Contains(Ids(await Ops.GetWebHooksAsync("alice", "alice-pw")), alices.Id);
        await Ops.DeleteWebHookByIdAsync("alice", "alice-pw", alices.Id);
    }

    [TestMethod]
    public async Task Activate_and_delete_validate_their_parameters()
    {
        var created = (await Ops.CreateWebHookAsync("carol", "carol-pw", "shop", "optin_finalized", Url)).Result!;

        Assert.AreEqual("missing parameter: webhookId", (await Ops.ActivateWebHookAsync("carol", "carol-pw", null)).Message);
        Assert.AreEqual("missing parameter: webhookId", (await Ops.DeleteWebHookByIdAsync("carol", "carol-pw", 0)).Message);
        var badReplay = await Ops.ActivateWebHookAsync("carol", "carol-pw", created.Id, 2);
        Assert.AreEqual(ErrorCode.InvalidParameter, badReplay.Error);
        StringAssert.StartsWith(badReplay.Message, "invalid parameter: replayEvents: ");
        Assert.AreEqual(ErrorCode.NotFound, (await Ops.ActivateWebHookAsync("carol", "carol-pw", 999_999)).Error);

        // Activating an active webhook succeeds and changes nothing.
        var activation = await Ops.ActivateWebHookAsync("carol", "carol-pw", created.Id, 1);
        Assert.AreEqual(ErrorCode.Ok, activation.Error);
        Assert.AreEqual(created with { }, activation.Result!.WebHook);
        Assert.AreEqual((0, 0), (activation.Result.ReplayedEvents, activation.Result.DiscardedEvents));

        var deleted = await Ops.DeleteWebHookByIdAsync("carol", "carol-pw", created.Id);
        Assert.AreEqual(created.Id, deleted.Result);
        Assert.AreEqual(ErrorCode.NotFound, (await Ops.DeleteWebHookByIdAsync("carol", "carol-pw", created.Id)).Error);
    }

    private static int[] Ids(Outcome<IReadOnlyList<WebHookView>> outcome)
    {
        Assert.AreEqual(ErrorCode.Ok, outcome.Error, outcome.Message);
        return [.. outcome.Result!.Select(w => w.Id)];
    }
}
