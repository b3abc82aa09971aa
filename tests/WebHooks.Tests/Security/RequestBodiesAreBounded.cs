using System.Net;
using System.Net.Http.Headers;
using System.Text;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Security;

/// <summary>
/// No endpoint reads an unbounded form, with or without Content-Length, and the demo page never echoes huge values:
/// four 900 KB fields posted chunked to <c>/demo</c> once came back as a 25 MB page, without any credentials.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class RequestBodiesAreBounded
{
    private static ServiceHost _host = null!;

    [ClassInitialize]
    public static async Task Start(TestContext _) => _host = await ServiceHost.StartAsync();

    [ClassCleanup]
    public static async Task Stop() => await _host.DisposeAsync();

    private static string Field(int length) => new('x', length);

    /// <summary>Posts form fields without Content-Length (Transfer-Encoding: chunked).</summary>
    private static async Task<(HttpStatusCode Status, string Body)> PostChunkedFormAsync(string path, IEnumerable<(string Name, string Value)> fields)
    {
        var form = string.Join("&", fields.Select(f => $"{Uri.EscapeDataString(f.Name)}={Uri.EscapeDataString(f.Value)}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StreamContent(new MemoryStream(Encoding.ASCII.GetBytes(form))) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        request.Headers.TransferEncodingChunked = true;
        using var response = await _host.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [TestMethod]
    public async Task AChunkedDemoPostOfHugeFieldsIs413AndSmall()
    {
        var huge = Field(900_000);
        var (status, body) = await PostChunkedFormAsync("demo",
            [("function", "CreateWebHook"), ("username", huge), ("password", huge), ("app", huge), ("url", huge)]);

        Assert.AreEqual(HttpStatusCode.RequestEntityTooLarge, status, $"{body.Length} characters: {body[..Math.Min(body.Length, 300)]}");
        Assert.IsLessThan(4096, body.Length, "the refusal is short");
        StringAssert.Contains(body, "larger than 16384 bytes", "the refusal names the limit");
        Assert.DoesNotContain(Field(1000), body, "nothing of the values comes back");
    }

    [TestMethod]
    [DataRow("demo")]
    [DataRow("demo/snippets")]
    public async Task ADemoValueLongerThanAnyParameterIsRefusedNotEchoed(string path)
    {
        var (status, body) = await PostChunkedFormAsync(path, [("function", "CreateWebHook"), ("username", "demo"), ("url", "https://example.com/" + Field(6000))]);

        Assert.AreEqual(HttpStatusCode.RequestEntityTooLarge, status, body[..Math.Min(body.Length, 300)]);
        Assert.DoesNotContain(Field(1000), body);

        using var query = await _host.Http.GetAsync($"{path}?function=CreateWebHook&app={Field(6000)}");
        Assert.AreEqual(HttpStatusCode.RequestEntityTooLarge, query.StatusCode, "the same for values in the query string");
    }

    [TestMethod]
    public async Task TheDemoFormStillWorksChunked()
    {
        var (status, body) = await PostChunkedFormAsync("demo",
            [("function", "CreateWebHook"), ("username", "demo"), ("password", "demo"), ("app", "bounded-app"), ("event", "optin_finalized"), ("url", "https://example.com/bounded")]);

        Assert.AreEqual(HttpStatusCode.OK, status);
        StringAssert.Contains(body, "bounded-app");
    }

    [TestMethod]
    [DataRow("webservice/json/GetWebHooks")]
    [DataRow("notifications/signin")]
    public async Task OtherFormEndpointsRefuseOversizeChunkedBodiesWith413(string path)
    {
        var (status, body) = await PostChunkedFormAsync(path, [("username", "demo"), ("password", Field(200_000))]);

        Assert.AreEqual(HttpStatusCode.RequestEntityTooLarge, status, body[..Math.Min(body.Length, 300)]);

        // And the service goes on serving.
        var reply = await Api.CallAsync(_host.Http, "GetWebHooks", new { username = "demo", password = "demo" });
        Assert.AreEqual(0, reply.GetProperty("error").GetInt32());
    }
}
