using System.Net.Http.Headers;
using System.Text.Json;
using WebHooks.Events;
using WebHooks.Tests.Support;
using static WebHooks.Tests.RestHooks.RestApi;

namespace WebHooks.Tests.RestHooks;

/// <summary>The REST-hooks API of spec 10 against the real service: subscriptions, their validation and ownership.</summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class RestHooksApiTests
{
    private static readonly string[] WebHookFields = ["id", "app", "event", "url", "active", "created", "deactivated", "bufferedEvents", "lastError", "secret"];

    [TestMethod]
    public async Task A_hook_is_created_listed_read_and_deleted_with_the_same_ids_and_fields_as_soap()
    {
        await using var host = await ServiceHost.StartAsync();
        var key = await NewKeyAsync(host);
        var soapMade = await Api.CreateWebHookAsync(host.Http, "https://example.com/soap", app: "shop");

        var (status, body, response) = await SendAsync(host.Http, Request(HttpMethod.Post, "api/hooks", key, new { @event = "optout_finalized", url = "https://example.com/zap/1" }));

        Assert.AreEqual(201, status, body);
        var created = JsonDocument.Parse(body).RootElement;
        CollectionAssert.AreEqual(WebHookFields, created.EnumerateObject().Select(p => p.Name).ToArray(), "exactly the fields of WebHook, named as in the JSON binding");
        var id = created.GetProperty("id").GetInt32();
        Assert.AreEqual($"/api/hooks/{id}", response.Headers.Location?.OriginalString);
        Assert.AreEqual(("zapier", "optout_finalized", "https://example.com/zap/1", 1), (created.GetProperty("app").GetString(),
            created.GetProperty("event").GetString(), created.GetProperty("url").GetString(), created.GetProperty("active").GetInt32()));
        StringAssert.StartsWith(created.GetProperty("secret").GetString(), "whsec_");

        var viaSoap = await Api.GetWebHookAsync(host.Http, id);
        Assert.AreEqual(created.ToString(), viaSoap.ToString(), "GetWebHooks shows the REST-made webhook exactly so");

        var list = await JsonAsync(host.Http, Request(HttpMethod.Get, "api/hooks", key));
        CollectionAssert.AreEqual(new[] { soapMade, id }, list.EnumerateArray().Select(w => w.GetProperty("id").GetInt32()).ToArray(), "oldest first, SOAP-made too");
        Assert.AreEqual(created.ToString(), (await JsonAsync(host.Http, Request(HttpMethod.Get, $"api/hooks/{id}", key))).ToString());

        Assert.AreEqual(204, (await SendAsync(host.Http, Request(HttpMethod.Delete, $"api/hooks/{id}", key))).Status);
        Assert.AreEqual(404, (await SendAsync(host.Http, Request(HttpMethod.Get, $"api/hooks/{id}", key))).Status);
        var again = await SendAsync(host.Http, Request(HttpMethod.Delete, $"api/hooks/{id}", key));
        Assert.AreEqual((404, "webhook not found"), (again.Status, JsonDocument.Parse(again.Body).RootElement.GetProperty("error").GetString()));
        CollectionAssert.AreEqual(new[] { soapMade }, (await JsonAsync(host.Http, Request(HttpMethod.Get, "api/hooks", key))).EnumerateArray().Select(w => w.GetProperty("id").GetInt32()).ToArray());
    }

    [TestMethod]
    public async Task Another_accounts_hooks_do_not_exist()
    {
        await using var host = await ServiceHost.StartAsync();
        await host.AddAccountAsync("other", "other-pw");
        var mine = await NewKeyAsync(host);
        var theirs = await NewKeyAsync(host, "other");
        var id = (await SubscribeAsync(host.Http, mine, "https://example.com/mine")).GetProperty("id").GetInt32();

        Assert.AreEqual(404, (await SendAsync(host.Http, Request(HttpMethod.Get, $"api/hooks/{id}", theirs))).Status);
        Assert.AreEqual(404, (await SendAsync(host.Http, Request(HttpMethod.Delete, $"api/hooks/{id}", theirs))).Status);
        Assert.AreEqual(0, (await JsonAsync(host.Http, Request(HttpMethod.Get, "api/hooks", theirs))).GetArrayLength());
        Assert.AreEqual(200, (await SendAsync(host.Http, Request(HttpMethod.Get, $"api/hooks/{id}", mine))).Status, "still there");
    }

    [TestMethod]
    [DataRow("""{"url":"https://example.com/x"}""", "missing parameter: event")]
    [DataRow("""{"event":"optin_finalized"}""", "missing parameter: url")]
    [DataRow("""{"event":"optin_finalized","url":""}""", "missing parameter: url")]
    [DataRow("""{"event":"signup","url":"https://example.com/x"}""", "invalid parameter: event: unknown event 'signup', valid events are optin_finalized, optout_finalized, profilemanager_finalized")]
    [DataRow("""{"event":"optin_finalized","url":"ftp://example.com/x"}""", "invalid parameter: url: only http and https URLs are allowed")]
    [DataRow("""{"event":"optin_finalized","url":"example.com/x"}""", "invalid parameter: url: not an absolute URL")]
    [DataRow("""{"event":"optin_finalized","url":"https://user:pw@example.com/x"}""", "invalid parameter: url: the URL must not contain user information")]
    [DataRow("""{"event":1,"url":"https://example.com/x"}""", "invalid parameter: event: must be a string")]
    [DataRow("""{"event":"optin_finalized","url":"https://example.com/x","app":["a"]}""", "invalid parameter: app: must be a string")]
    [DataRow("""["optin_finalized"]""", "the body must be a JSON object")]
    [DataRow("""{"event":"optin_finalized",""", "malformed JSON")]
    public async Task A_bad_subscription_is_400_naming_the_field_and_creates_nothing(string body, string error)
    {
        await using var host = await ServiceHost.StartAsync();
        var key = await NewKeyAsync(host);

        var (status, reply, _) = await SendAsync(host.Http, Raw(HttpMethod.Post, "api/hooks", key, body));

        Assert.AreEqual(400, status, reply);
        StringAssert.StartsWith(JsonDocument.Parse(reply).RootElement.GetProperty("error").GetString(), error);
        Assert.AreEqual(0, (await JsonAsync(host.Http, Request(HttpMethod.Get, "api/hooks", key))).GetArrayLength());
    }

    [TestMethod]
    public async Task A_subscription_must_be_sent_as_json_and_the_app_may_be_given()
    {
        await using var host = await ServiceHost.StartAsync();
        var key = await NewKeyAsync(host);

        var form = await SendAsync(host.Http, Raw(HttpMethod.Post, "api/hooks", key, "event=optin_finalized&url=https://example.com/x", "application/x-www-form-urlencoded"));
        Assert.AreEqual(415, form.Status, form.Body);
        StringAssert.Contains(JsonDocument.Parse(form.Body).RootElement.GetProperty("error").GetString(), "application/json");
        var anonymous = await SendAsync(host.Http, Raw(HttpMethod.Post, "api/hooks", null, "event=optin_finalized", "text/plain"));
        Assert.AreEqual(401, anonymous.Status, "credentials are checked first");

        var named = await JsonAsync(host.Http, Request(HttpMethod.Post, "api/hooks", key, new { @event = "optin_finalized", url = "https://example.com/x", app = "make" }), 201);
        Assert.AreEqual("make", named.GetProperty("app").GetString());
        var empty = await JsonAsync(host.Http, Request(HttpMethod.Post, "api/hooks", key, new { @event = "optin_finalized", url = "https://example.com/y", app = "" }), 201);
        Assert.AreEqual("zapier", empty.GetProperty("app").GetString(), "an empty app is not given, as in SOAP");
    }

    [TestMethod]
    public async Task Past_the_accounts_limit_a_subscription_is_409()
    {
        await using var host = await ServiceHost.StartAsync(settings: new Dictionary<string, string> { ["WebHooks:Limits:WebHooksPerAccount"] = "1" });
        var key = await NewKeyAsync(host);
        await SubscribeAsync(host.Http, key, "https://example.com/1");

        var (status, body, _) = await SendAsync(host.Http, Request(HttpMethod.Post, "api/hooks", key, new { @event = "optin_finalized", url = "https://example.com/2" }));

        Assert.AreEqual(409, status, body);
        StringAssert.StartsWith(JsonDocument.Parse(body).RootElement.GetProperty("error").GetString(), "limit reached");
    }

    [TestMethod]
    public async Task Recent_events_are_the_accounts_last_ones_newest_first_with_their_data_as_published()
    {
        await using var host = await ServiceHost.StartAsync();
        await host.AddAccountAsync("other", "other-pw");
        var key = await NewKeyAsync(host);
        // No webhook listens: they are recent events all the same.
        var first = await PublishAsync(host.Http, key, "optin_finalized", """{"id":1, "b" : [1.50,  2e3]}""");
        var second = await PublishAsync(host.Http, key, "optin_finalized", """{"id":2,"name":"Jürgen"}""");
        await PublishAsync(host.Http, key, "optout_finalized", """{"id":3}""");

        var (status, body, _) = await SendAsync(host.Http, Request(HttpMethod.Get, "api/events/recent?event=optin_finalized", key));

        Assert.AreEqual(200, status, body);
        var recent = JsonDocument.Parse(body).RootElement.EnumerateArray().ToList();
        CollectionAssert.AreEqual(new[] { second, first }, recent.Select(e => e.GetProperty("id").GetString()).ToArray(), "newest first");
        CollectionAssert.AreEqual(new[] { "id", "event", "created", "data" }, recent[0].EnumerateObject().Select(p => p.Name).ToArray());
        Assert.AreEqual("optin_finalized", recent[0].GetProperty("event").GetString());
        StringAssert.Matches(recent[0].GetProperty("created").GetString(), new System.Text.RegularExpressions.Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"));
        StringAssert.Contains(body, "\"data\":{\"id\":1, \"b\" : [1.50,  2e3]}", "the data byte for byte");
        Assert.AreEqual(second, (await JsonAsync(host.Http, Request(HttpMethod.Get, "api/events/recent?event=optin_finalized&limit=1", key)))[0].GetProperty("id").GetString());

        var theirs = await JsonAsync(host.Http, Request(HttpMethod.Get, "api/events/recent?event=optin_finalized", await NewKeyAsync(host, "other")));
        Assert.IsTrue(theirs[0].GetProperty("example").GetBoolean(), "another account has none of them");
    }

    [TestMethod]
    [DataRow("optin_finalized")]
    [DataRow("optout_finalized")]
    [DataRow("profilemanager_finalized")]
    public async Task With_no_event_yet_recent_events_are_one_example_in_the_documented_shape(string eventName)
    {
        await using var host = await ServiceHost.StartAsync();
        var key = await NewKeyAsync(host);

        var recent = await JsonAsync(host.Http, Request(HttpMethod.Get, $"api/events/recent?event={eventName}", key));

        var example = recent.EnumerateArray().Single();
        Assert.IsTrue(example.GetProperty("example").GetBoolean());
        Assert.AreEqual(eventName, example.GetProperty("event").GetString());
        Assert.AreEqual(RecentEvents.Example(eventName), example.GetProperty("data").GetRawText());
        if (eventName == "optin_finalized")
            Assert.AreEqual("""{"id":371,"optinsetup_id":60,"subscriber_id":6049065,"fields":[{"id":1,"value":"max.muster@example.com"}],"lists":[{"id":1,"value":1},{"id":3,"value":0}],"activate_at":"2025-11-11 09:27:29"}""",
                example.GetProperty("data").GetRawText(), "spec 4's example");
    }

    [TestMethod]
    [DataRow("api/events/recent", "missing parameter: event")]
    [DataRow("api/events/recent?event=nope", "invalid parameter: event: unknown event 'nope'")]
    [DataRow("api/events/recent?event=optin_finalized&limit=0", "invalid parameter: limit")]
    [DataRow("api/events/recent?event=optin_finalized&limit=101", "invalid parameter: limit")]
    [DataRow("api/events/recent?event=optin_finalized&limit=ten", "invalid parameter: limit")]
    public async Task A_bad_recent_events_query_is_400_naming_the_parameter(string path, string error)
    {
        await using var host = await ServiceHost.StartAsync();
        var key = await NewKeyAsync(host);

        var (status, body, _) = await SendAsync(host.Http, Request(HttpMethod.Get, path, key));

        Assert.AreEqual(400, status, body);
        StringAssert.StartsWith(JsonDocument.Parse(body).RootElement.GetProperty("error").GetString(), error);
    }
}
