using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using WebHooks.Service.Pages.Demo;
using WebHooks.Storage.LiteDb;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Demo;

/// <summary>The landing page, the demo page as HTML, its snippet endpoint, its assets and the health check.</summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class DemoPagesTests
{
    private static ServiceHost _host = null!;

    [ClassInitialize]
    public static async Task Start(TestContext _) => _host = await ServiceHost.StartAsync();

    [ClassCleanup]
    public static async Task Stop() => await _host.DisposeAsync();

    [TestMethod]
    public async Task Landing_page_links_the_wsdls_the_demo_and_the_notifications()
    {
        using var response = await _host.Http.GetAsync("");
        var html = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.AreEqual("text/html", response.Content.Headers.ContentType?.MediaType);
        foreach (var link in new[] { "href=\"/webservice/soap?wsdl\"", "href=\"/webservice/soap/rpc?wsdl\"", "href=\"/demo\"", "href=\"/notifications\"" })
            StringAssert.Contains(html, link);
        foreach (var function in ServiceFunctions.All) StringAssert.Contains(html, function.Name);
        foreach (var text in new[] { "login failed", "missing parameter: NAME", "webhook not found", "limit reached", "internal error", "POST " + _host.BaseUrl + "/api/events" })
            StringAssert.Contains(html, WebUtility.HtmlEncode(text));
        StringAssert.Contains(response.Headers.GetValues("Content-Security-Policy").Single(), "default-src 'none'");
        Assert.IsFalse(html.Contains("https://", StringComparison.Ordinal) && html.Contains("<script src=\"http", StringComparison.Ordinal));
    }

    [TestMethod]
    public async Task Demo_page_renders_the_form_and_the_code_without_javascript()
    {
        var html = await _host.Http.GetStringAsync("demo?function=GetWebHooks");
        StringAssert.Contains(html, "<option value=\"GetWebHooks\" data-summary=");
        StringAssert.Contains(html, "<label for=\"account-username\">");
        StringAssert.Contains(html, "<fieldset data-function=\"GetWebHooks\">");
        StringAssert.Contains(html, "<fieldset data-function=\"CreateWebHook\" hidden disabled>");
        StringAssert.Contains(html, "id=\"code-php-rpc\">&lt;?php");
        StringAssert.Contains(html, "$client-&gt;GetWebHooks(&#39;demo&#39;, &#39;demo&#39;, &#39;&#39;, &#39;&#39;)");
        Assert.IsFalse(html.Contains("src=\"http", StringComparison.Ordinal), "no asset from elsewhere");

        // Without JavaScript, the form posts back and the code follows the entered values.
        var posted = await _host.Http.PostAsync("demo", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["function"] = "DeleteWebHookById", ["username"] = "someone", ["password"] = "secret", ["webhookId"] = "42",
        }));
        var postedHtml = await posted.Content.ReadAsStringAsync();
        StringAssert.Contains(postedHtml, "$client-&gt;DeleteWebHookById(&#39;someone&#39;, &#39;secret&#39;, 42)");
        StringAssert.Contains(postedHtml, "value=\"42\"");
    }

    [TestMethod]
    public async Task Snippet_endpoint_returns_the_envelope_and_five_snippets()
    {
        using var response = await _host.Http.GetAsync("demo/snippets?function=activatewebhook&username=demo&password=demo&webhookId=3&replayEvents=1");
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.AreEqual("ActivateWebHook", root.GetProperty("function").GetString());
        Assert.AreEqual("/webservice/soap", root.GetProperty("soapPath").GetString());
        Assert.AreEqual(_host.BaseUrl + "/webservice/soap", root.GetProperty("endpoint").GetString());
        Assert.AreEqual("urn:webhooks:soap/ActivateWebHook", root.GetProperty("soapAction").GetString());
        Assert.AreEqual("ActivateWebHookResponse", root.GetProperty("responseElement").GetString());
        StringAssert.Contains(root.GetProperty("envelope").GetString(), "<replayEvents>1</replayEvents>");
        Assert.AreEqual(5, root.GetProperty("snippets").GetArrayLength());

        using var unknown = await _host.Http.GetAsync("demo/snippets?function=DropTables");
        Assert.AreEqual(HttpStatusCode.BadRequest, unknown.StatusCode);

        using var bad = await _host.Http.GetAsync("demo/snippets?function=DeleteWebHookById&webhookId=x");
        using var badJson = JsonDocument.Parse(await bad.Content.ReadAsStringAsync());
        Assert.AreEqual("webhookId: not an integer", badJson.RootElement.GetProperty("problems")[0].GetString());
    }

    [TestMethod]
    public async Task Assets_are_served_by_the_service_itself()
    {
        using var script = await _host.Http.GetAsync("demo/assets/demo.js");
        Assert.AreEqual(HttpStatusCode.OK, script.StatusCode);
        Assert.AreEqual("text/javascript", script.Content.Headers.ContentType?.MediaType);
        using var style = await _host.Http.GetAsync("demo/assets/site.css");
        Assert.AreEqual("text/css", style.Content.Headers.ContentType?.MediaType);

        using var again = new HttpRequestMessage(HttpMethod.Get, "demo/assets/site.css");
        again.Headers.IfNoneMatch.Add(style.Headers.ETag!);
        using var notModified = await _host.Http.SendAsync(again);
        Assert.AreEqual(HttpStatusCode.NotModified, notModified.StatusCode);

        using var missing = await _host.Http.GetAsync("demo/assets/nothing.js");
        Assert.AreEqual(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [TestMethod]
    public async Task Health_is_200_with_a_reachable_store()
    {
        using var response = await _host.Http.GetAsync("healthz");
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.AreEqual("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.AreEqual("ok", json.RootElement.GetProperty("status").GetString());
    }

    [TestMethod]
    public async Task Health_is_503_when_the_store_is_gone()
    {
        var folder = Directory.CreateTempSubdirectory("webhooks-health-").FullName;
        try
        {
            var storage = LiteDbStorage.Open(new LiteDbStorageOptions { Path = Path.Combine(folder, "webhooks.db") }, NullLogger.Instance);
            Assert.IsTrue(await storage.Maintenance.PingAsync());
            await storage.DisposeAsync();

            var context = new DefaultHttpContext { RequestServices = _host.Services };
            context.Response.Body = new MemoryStream();
            await (await HealthCheck.Handle(context, storage)).ExecuteAsync(context);
            Assert.AreEqual(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
            context.Response.Body.Position = 0;
            using var json = await JsonDocument.ParseAsync(context.Response.Body);
            Assert.AreEqual("unavailable", json.RootElement.GetProperty("status").GetString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
