using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Security;

/// <summary>
/// Bytes that are not UTF-8 inside a JSON string, or an escaped half of a surrogate pair, once made
/// <c>POST /api/events</c> and <c>/webservice/json/...</c> answer 500 with a stack trace. They are bad input:
/// 400 with a JSON error, and the service goes on serving.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class JsonBodiesMustBeValidUtf8
{
    private static ServiceHost _host = null!;

    [ClassInitialize]
    public static async Task Start(TestContext _) => _host = await ServiceHost.StartAsync();

    [ClassCleanup]
    public static async Task Stop() => await _host.DisposeAsync();

    private static byte[] Bytes(string before, byte[] middle, string after) =>
        [.. Encoding.ASCII.GetBytes(before), .. middle, .. Encoding.ASCII.GetBytes(after)];

    public static IEnumerable<object[]> EventBodies =>
    [
        [Bytes("""{"event":"optin_finalized","data":{"name":" """, [0xFF, 0xFE], """ "}}""")],
        [Bytes("""{"event":"optin""", [0xC3], """_finalized","data":{}}""")],
        [Bytes("""{"event":"optin_finalized","data":{},"idempotencyKey":"k""", [0xED, 0xA0, 0x80], """ "}""")],
        [Bytes("""{"event":"optin_finalized","data":{},"idempotencyKey":"\ud800"}""", [], "")],
        [Bytes("""{"event":"\udc00optin_finalized","data":{}}""", [], "")],
    ];

    public static IEnumerable<object[]> ParameterBodies =>
    [
        [Bytes("""{"username":"demo""", [0xFF], """ ","password":"demo"}""")],
        [Bytes("""{"username":"demo","password":"demo","app":" """, [0xC0, 0xAF], """ "}""")],
        [Bytes("""{"username":"\ud800","password":"demo"}""", [], "")],
        [Bytes("""{"user""", [0xFF], """name":"demo","password":"demo"}""")],
    ];

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, byte[] body, bool basic)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (basic) request.Headers.Authorization = ServiceHost.Basic("demo", "demo");
        using var response = await _host.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static void AssertJsonError(HttpStatusCode status, string body)
    {
        Assert.AreEqual(HttpStatusCode.BadRequest, status, body[..Math.Min(body.Length, 400)]);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error").GetString();
        StringAssert.Contains(error, "UTF-8", body);
    }

    [TestMethod]
    [DynamicData(nameof(EventBodies))]
    public async Task PublishingAnEventWithInvalidUtf8Is400(byte[] body)
    {
        var (status, text) = await PostAsync("api/events", body, basic: true);
        AssertJsonError(status, text);
        await Api.PublishAsync(_host.Http, "optin_finalized", new { still = "serving" });
    }

    [TestMethod]
    [DynamicData(nameof(ParameterBodies))]
    public async Task AJsonBindingCallWithInvalidUtf8Is400(byte[] body)
    {
        var (status, text) = await PostAsync("webservice/json/GetWebHooks", body, basic: false);
        AssertJsonError(status, text);
        var reply = await Api.CallAsync(_host.Http, "GetWebHooks", new { username = "demo", password = "demo" });
        Assert.AreEqual(0, reply.GetProperty("error").GetInt32());
    }

    [TestMethod]
    public async Task ValidUnicodeStillPassesUnchanged()
    {
        var data = new { name = "Zoë 😀 \u00e9", escaped = "\ud83d\ude00" };
        var eventId = await Api.PublishAsync(_host.Http, "optin_finalized", data);
        StringAssert.StartsWith(eventId, "evt_");

        var reply = await Api.CallAsync(_host.Http, "CreateWebHook",
            new { username = "demo", password = "demo", app = "Bücher 😀", @event = "optin_finalized", url = "https://example.com/ü" });
        Assert.AreEqual("Bücher 😀", reply.GetProperty("result").GetProperty("app").GetString(), reply.ToString());
    }
}
