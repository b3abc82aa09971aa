using System.Net;
using System.Text;
using System.Text.Json;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Management;

/// <summary><c>POST /webservice/json/{function}</c> (spec 3.4).</summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class JsonBindingTests
{
    private static ServiceHost _host = null!;

    [ClassInitialize]
    public static async Task Start(TestContext _) => _host = await ServiceHost.StartAsync();

    [ClassCleanup]
    public static async Task Stop() => await _host.DisposeAsync();

    [TestMethod]
    public async Task Form_fields_and_any_case_of_the_function_name_work()
    {
        using var response = await _host.Http.PostAsync("webservice/json/createwebhook", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "demo", ["password"] = "demo", ["app"] = "forms", ["event"] = "optin_finalized", ["url"] = "https://example.com/h",
        }));
        var reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.AreEqual(0, reply.GetProperty("error").GetInt32());
        Assert.AreEqual("successfully executed", reply.GetProperty("message").GetString());
        var webHook = reply.GetProperty("result");
        Assert.AreEqual(1, webHook.GetProperty("active").GetInt32());
        Assert.AreEqual("", webHook.GetProperty("deactivated").GetString());
        Assert.IsTrue(DateTime.TryParseExact(webHook.GetProperty("created").GetString(), "yyyy-MM-dd HH:mm:ss", null, System.Globalization.DateTimeStyles.None, out _));

        var id = webHook.GetProperty("id").GetInt32();
        var deleted = await Api.CallAsync(_host.Http, "DELETEWEBHOOKBYID", new { username = "demo", password = "demo", webhookId = id });
        Assert.AreEqual(id, deleted.GetProperty("result").GetInt32());
    }

    [TestMethod]
    public async Task Business_errors_are_http_200_without_a_result()
    {
        var reply = await Api.CallAsync(_host.Http, "GetWebHooks", new { username = "demo", password = "nope" });
        Assert.AreEqual(1, reply.GetProperty("error").GetInt32());
        Assert.IsFalse(reply.TryGetProperty("result", out _));

        var notInt = await Api.CallAsync(_host.Http, "ActivateWebHook", new { username = "demo", password = "demo", webhookId = "seven" });
        Assert.AreEqual("invalid parameter: webhookId: not an integer", notInt.GetProperty("message").GetString());

        var missing = await Api.CallAsync(_host.Http, "ActivateWebHook", new { username = "demo", password = "demo", webhookId = "" });
        Assert.AreEqual("missing parameter: webhookId", missing.GetProperty("message").GetString());
    }

    [TestMethod]
    public async Task Unparsable_bodies_are_400_and_unknown_functions_404()
    {
        using var broken = await _host.Http.PostAsync("webservice/json/GetWebHooks", new StringContent("{\"username\":", Encoding.UTF8, "application/json"));
        Assert.AreEqual(HttpStatusCode.BadRequest, broken.StatusCode);
        using var unknown = await _host.Http.PostAsync("webservice/json/DropAll", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.AreEqual(HttpStatusCode.NotFound, unknown.StatusCode);
        StringAssert.Contains(await unknown.Content.ReadAsStringAsync(), "CreateWebHook");
    }
}
