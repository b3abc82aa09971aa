using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Events;

/// <summary><c>POST /api/events</c> as the platform calls it (spec 4).</summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class EventsApiTests
{
    private static ServiceHost _host = null!;

    [ClassInitialize]
    public static async Task Start(TestContext _)
    {
        _host = await ServiceHost.StartAsync(settings: new Dictionary<string, string> { ["WebHooks:Limits:MaxEventBytes"] = "4096" });
        await _host.AddAccountAsync("publisher", "publisher-pw");
        await _host.AddAccountAsync("lonely", "lonely-pw");
        await Api.CreateWebHookAsync(_host.Http, "http://127.0.0.1:9/never", user: "publisher", password: "publisher-pw");
        await Api.CreateWebHookAsync(_host.Http, "http://127.0.0.1:9/never2", user: "publisher", password: "publisher-pw");
    }

    [ClassCleanup]
    public static async Task Stop() => await _host.DisposeAsync();

    private static async Task<(HttpStatusCode Status, JsonElement Body)> Post(string body, string user = "publisher", string password = "publisher-pw", string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events") { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Headers.Authorization = ServiceHost.Basic(user, password);
        using var response = await _host.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [TestMethod]
    public async Task Idempotency_keys_that_differ_only_in_case_are_different_events()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await _host.AddAccountAsync("keys", "keys-pw");
        await Api.CreateWebHookAsync(_host.Http, receiver.Url(), user: "keys", password: "keys-pw");

        var (_, lower) = await Post("""{"event":"optin_finalized","data":{"order":"lower"},"idempotencyKey":"order-1"}""", "keys", "keys-pw");
        var (_, upper) = await Post("""{"event":"optin_finalized","data":{"order":"upper"},"idempotencyKey":"ORDER-1"}""", "keys", "keys-pw");
        var (_, repeat) = await Post("""{"event":"optin_finalized","data":{"order":"again"},"idempotencyKey":"order-1"}""", "keys", "keys-pw");

        Assert.AreNotEqual(lower.GetProperty("eventId").GetString(), upper.GetProperty("eventId").GetString(), "keys are compared exactly");
        Assert.AreEqual(lower.GetProperty("eventId").GetString(), repeat.GetProperty("eventId").GetString(), "the same key is the same event");
        var bodies = (await receiver.WaitForRequestsAsync(2, TimeSpan.FromSeconds(20))).Select(r => r.BodyText).ToArray();
        CollectionAssert.AreEqual(new[] { """{"order":"lower"}""", """{"order":"upper"}""" }, bodies, "both were delivered, the repeat was not");
    }

    [TestMethod]
    public async Task An_event_is_accepted_for_every_matching_webhook()
    {
        var (status, body) = await Post("""{"event":"optin_finalized","data":{"id":371,"subscriber_id":6049065}}""");
        Assert.AreEqual(HttpStatusCode.Accepted, status);
        StringAssert.StartsWith(body.GetProperty("eventId").GetString(), "evt_");
        Assert.AreEqual(2, body.GetProperty("webhooks").GetInt32());

        var (_, none) = await Post("""{"event":"optin_finalized","data":{}}""", "lonely", "lonely-pw");
        Assert.AreEqual(0, none.GetProperty("webhooks").GetInt32(), "an account without webhooks");
    }

    [TestMethod]
    public async Task The_same_idempotency_key_returns_the_first_reply()
    {
        var body = """{"event":"optout_finalized","data":{"id":1},"idempotencyKey":"order-42"}""";
        var (_, first) = await Post(body);
        var (status, second) = await Post(body);
        var (_, other) = await Post(body.Replace("order-42", "order-43"));

        Assert.AreEqual(HttpStatusCode.Accepted, status);
        Assert.AreEqual(first.GetProperty("eventId").GetString(), second.GetProperty("eventId").GetString());
        Assert.AreNotEqual(first.GetProperty("eventId").GetString(), other.GetProperty("eventId").GetString());
    }

    [TestMethod]
    [DataRow("""{"event":"optin","data":{}}""", "unknown event")]
    [DataRow("""{"data":{}}""", "event")]
    [DataRow("""{"event":"optin_finalized"}""", "data")]
    [DataRow("""{"event":"optin_finalized","data":[1,2]}""", "data must be a JSON object")]
    [DataRow("""{"event":"optin_finalized","data":"x"}""", "data must be a JSON object")]
    [DataRow("""{"event":"optin_finalized","data":{}""", "malformed JSON")]
    [DataRow("""[]""", "JSON object")]
    [DataRow("""{"event":"optin_finalized","data":{},"idempotencyKey":5}""", "idempotencyKey")]
    public async Task Bad_bodies_are_400_with_a_reason(string body, string reason)
    {
        var (status, error) = await Post(body);
        Assert.AreEqual(HttpStatusCode.BadRequest, status);
        StringAssert.Contains(error.GetProperty("error").GetString(), reason);
    }

    [TestMethod]
    public async Task An_unknown_event_names_the_valid_ones()
    {
        var (_, error) = await Post("""{"event":"signup","data":{}}""");
        foreach (var name in EventNames.All) StringAssert.Contains(error.GetProperty("error").GetString(), name);
    }

    [TestMethod]
    [DataRow("publisher", "wrong")]
    [DataRow("nobody", "publisher-pw")]
    public async Task Bad_credentials_are_401(string user, string password)
    {
        var (status, _) = await Post("""{"event":"optin_finalized","data":{}}""", user, password);
        Assert.AreEqual(HttpStatusCode.Unauthorized, status);
    }

    [TestMethod]
    public async Task No_credentials_are_401_with_a_challenge()
    {
        using var response = await _host.Http.PostAsync("api/events", JsonContent.Create(new { @event = "optin_finalized", data = new { } }));
        Assert.AreEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        StringAssert.StartsWith(response.Headers.WwwAuthenticate.ToString(), "Basic");
    }

    [TestMethod]
    public async Task A_body_over_the_limit_is_413_even_when_chunked()
    {
        var big = "{\"event\":\"optin_finalized\",\"data\":{\"pad\":\"" + new string('x', 5000) + "\"}}";
        var (status, error) = await Post(big);
        Assert.AreEqual(HttpStatusCode.RequestEntityTooLarge, status);
        StringAssert.Contains(error.GetProperty("error").GetString(), "4096");

        // Without Content-Length, the limit holds while reading.
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Authorization = ServiceHost.Basic("publisher", "publisher-pw");
        using var response = await _host.Http.SendAsync(request);
        Assert.AreEqual(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);

        // And the service goes on serving.
        Assert.AreEqual(HttpStatusCode.Accepted, (await Post("""{"event":"optin_finalized","data":{}}""")).Status);
    }
}
