using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Security;

/// <summary>
/// <c>POST /api/events</c> once took any content type, including <c>text/plain</c> and form encodings: the shape
/// of a cross-site form post, which a browser sends with the credentials it remembers. It takes JSON only
/// (<c>application/json</c> or <c>application/*+json</c>, UTF-8) and answers 415 to everything else.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class EventsRequireJsonContentType
{
    private const string Body = """{"event":"optin_finalized","data":{"id":1}}""";
    private static ServiceHost _host = null!;

    [ClassInitialize]
    public static async Task Start(TestContext _) => _host = await ServiceHost.StartAsync();

    [ClassCleanup]
    public static async Task Stop() => await _host.DisposeAsync();

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(string? contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Body)) };
        if (contentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Authorization = ServiceHost.Basic("demo", "demo");
        using var response = await _host.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [TestMethod]
    [DataRow("text/plain")]
    [DataRow("text/plain; charset=utf-8")]
    [DataRow("application/x-www-form-urlencoded")]
    [DataRow("multipart/form-data; boundary=x")]
    [DataRow("text/json")]
    [DataRow("application/jsonp")]
    [DataRow("application/json; charset=iso-8859-1")]
    [DataRow(null)]
    public async Task AnythingButJsonIs415WithAReason(string? contentType)
    {
        var (status, body) = await PostAsync(contentType);

        Assert.AreEqual(HttpStatusCode.UnsupportedMediaType, status, $"{contentType}: {body}");
        StringAssert.Contains(JsonDocument.Parse(body).RootElement.GetProperty("error").GetString(), "application/json");
    }

    [TestMethod]
    [DataRow("application/json")]
    [DataRow("application/json; charset=utf-8")]
    [DataRow("Application/JSON; charset=\"UTF-8\"")]
    [DataRow("application/vnd.platform.event+json")]
    public async Task JsonIsAccepted(string contentType)
    {
        var (status, body) = await PostAsync(contentType);
        Assert.AreEqual(HttpStatusCode.Accepted, status, $"{contentType}: {body}");
    }

    [TestMethod]
    public async Task CredentialsAreCheckedFirst()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events") { Content = new StringContent(Body, Encoding.UTF8, "text/plain") };
        using var response = await _host.Http.SendAsync(request);
        Assert.AreEqual(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
