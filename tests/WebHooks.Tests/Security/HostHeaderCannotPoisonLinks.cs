using System.Net;
using WebHooks.Tests.Lifecycle;
using WebHooks.Tests.Soap;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Security;

/// <summary>
/// The WSDL's soap:address, the demo's sample code and the landing page, and the activationUrl of
/// GET /api/notifications are absolute links. They once followed the request's Host header, so a forged
/// <c>Host: attacker.example</c> came back in them (and in caches and copied code). They use
/// <c>WebHooks:PublicBaseUrl</c> when it is set; otherwise only the hosts of <c>AllowedHosts</c> are served
/// (by default the loopback names), and any other Host is refused with 400.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class HostHeaderCannotPoisonLinks
{
    private const string Attacker = "attacker.example";

    private static readonly string[] LinkPages =
    [
        "webservice/soap?wsdl", "webservice/soap/rpc?wsdl", "demo/snippets?function=CreateWebHook", "demo", "", "api/notifications",
    ];

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient http, string path, string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        request.Headers.Authorization = ServiceHost.Basic(LifecycleKit.Account, LifecycleKit.Password);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A deactivated webhook, so that GET /api/notifications has an activationUrl to show.</summary>
    private static async Task<LifecycleKit> StartWithANotificationAsync(IDictionary<string, string>? settings = null)
    {
        var kit = await LifecycleKit.StartAsync(settings: settings);
        await using var receiver = await TestReceiver.StartAsync();
        receiver.DefaultResponse = new ReceiverResponse(410);
        var webHook = await kit.CreateAsync(receiver.Url());
        await kit.PublishAsync(1);
        await kit.WaitUntilInactiveAsync(webHook.Id);
        return kit;
    }

    [TestMethod]
    public async Task AForgedHostIsRefusedByDefault()
    {
        await using var kit = await StartWithANotificationAsync();
        using var http = kit.Client(cookies: false);

        foreach (var path in LinkPages)
        {
            var (status, body) = await GetAsync(http, path, Attacker);
            Assert.AreEqual(HttpStatusCode.BadRequest, status, $"/{path}: {body[..Math.Min(300, body.Length)]}");
            Assert.DoesNotContain(Attacker, body, $"/{path}");
        }
    }

    [TestMethod]
    public async Task TheLoopbackNamesAreServedAndLinkedByDefault()
    {
        await using var host = await ServiceHost.StartAsync();
        var port = new Uri(host.BaseUrl).Port;

        foreach (var name in new[] { "localhost", "127.0.0.1", "[::1]", "LOCALHOST" })
        {
            var (status, wsdl) = await GetAsync(host.Http, "webservice/soap?wsdl", $"{name}:{port}");
            Assert.AreEqual(HttpStatusCode.OK, status, name);
            Assert.AreEqual($"http://{name.ToLowerInvariant()}:{port}/webservice/soap", RawSoap.Addresses(wsdl)["WebHookServiceSoap"].ToLowerInvariant());
        }
    }

    [TestMethod]
    public async Task WithAPublicBaseUrlEveryLinkUsesItWhateverTheHost()
    {
        const string Public = "https://hooks.example.com/base";
        await using var kit = await StartWithANotificationAsync(new Dictionary<string, string>
        {
            ["WebHooks:PublicBaseUrl"] = Public + "/",
            ["AllowedHosts"] = "*", // even an operator who lets every Host through gets no forged links
        });
        using var http = kit.Client(cookies: false);

        foreach (var path in LinkPages)
        {
            var (status, body) = await GetAsync(http, path, Attacker);
            Assert.AreEqual(HttpStatusCode.OK, status, $"/{path}");
            Assert.DoesNotContain(Attacker, body, $"/{path}");
            StringAssert.Contains(body, Public, $"/{path}");
        }
    }

    [TestMethod]
    public async Task ThePublicBaseUrlsOwnHostIsServedWithoutListingItInAllowedHosts()
    {
        await using var host = await ServiceHost.StartAsync(settings: new Dictionary<string, string> { ["WebHooks:PublicBaseUrl"] = "https://hooks.example.com/" });

        var (status, wsdl) = await GetAsync(host.Http, "webservice/soap?wsdl", "hooks.example.com");

        Assert.AreEqual(HttpStatusCode.OK, status);
        Assert.AreEqual("https://hooks.example.com/webservice/soap", RawSoap.Addresses(wsdl)["WebHookServiceSoap"]);
        Assert.AreEqual(HttpStatusCode.BadRequest, (await GetAsync(host.Http, "webservice/soap?wsdl", Attacker)).Status);
    }
}
