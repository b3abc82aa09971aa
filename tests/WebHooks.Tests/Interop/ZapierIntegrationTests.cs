using System.Text.Json;
using WebHooks.Accounts;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Interop;

/// <summary>
/// The Zapier integration of integrations/zapier, run by Zapier's own tools: its definition checked by
/// zapier-platform-schema, and its triggers run by zapier-platform-core's app tester (test/scenario.js) against the
/// real service. A missing node or npm install is Inconclusive, or a failure under CI=true (see <see cref="Clients"/>).
/// </summary>
[TestClass]
[TestCategory("Interop")]
public sealed class ZapierIntegrationTests
{
    public TestContext TestContext { get; set; } = null!;

    /// <summary>Without NODE_ENV=test, zapier-platform-core prints its memory use after each call.</summary>
    private static readonly Dictionary<string, string> NodeTest = new() { ["NODE_ENV"] = "test" };

    [TestMethod]
    public async Task The_app_definition_is_valid_for_zapier_platform_schema()
    {
        var node = await Clients.RequireZapierPlatformAsync();

        var run = await Clients.RunAsync(node, ["test/validate.js"], environment: NodeTest, workingDirectory: Clients.ZapierFolder,
            cancellationToken: TestContext.CancellationToken);

        TestContext.WriteLine(run.StandardOutput);
        Assert.AreEqual(0, run.ExitCode, run.Describe());
        StringAssert.Contains(run.StandardOutput, "ok - the app definition is valid for zapier-platform-schema 19.1.0");
        StringAssert.Contains(run.StandardOutput, "ok - three instant (REST hook) triggers");
    }

    [TestMethod]
    [TestCategory("EndToEnd")]
    public async Task Zapiers_app_tester_subscribes_receives_lists_and_unsubscribes_against_the_service()
    {
        var node = await Clients.RequireZapierPlatformAsync();
        await using var host = await ServiceHost.StartAsync();
        await host.AddAccountAsync("zapier-user", "zapier-pw");
        var key = await host.Get<ApiKeys>().CreateAsync("zapier-user");

        var run = await Clients.RunAsync(node, ["test/scenario.js"], workingDirectory: Clients.ZapierFolder, cancellationToken: TestContext.CancellationToken,
            environment: new Dictionary<string, string>(NodeTest) { ["WEBHOOKS_BASE_URL"] = host.BaseUrl, ["WEBHOOKS_API_KEY"] = key! });

        TestContext.WriteLine(run.StandardOutput);
        Assert.AreEqual(0, run.ExitCode, run.Describe());
        string[] steps =
        [
            "ok - authentication: the test (GET /api/me) names the account",
            "ok - authentication: an unknown key fails the test",
            "ok - performList with no event yet: the example of each event, equal to the trigger's sample",
            "ok - performSubscribe: POST /api/hooks",
            "ok - publish with the API key",
            "ok - the service delivers the event to the target URL, signed, and perform returns its data",
            "ok - performList: the account's recent opt-ins, newest first",
            "ok - performUnsubscribe: DELETE /api/hooks/{id} removes the webhook",
            "ok - a target URL that answers 410 Gone loses its subscription",
        ];
        foreach (var step in steps) StringAssert.Contains(run.StandardOutput, step);
        StringAssert.Contains(run.StandardOutput, $"zapier scenario: {steps.Length} passed, 0 failed");

        // What the scenario left on the service: no webhook (one unsubscribed, one gone), no notification.
        var hooks = await Api.CallAsync(host.Http, "GetWebHooks", new { username = "zapier-user", password = "zapier-pw" });
        Assert.AreEqual(0, hooks.GetProperty("result").GetArrayLength(), hooks.ToString());
        var recent = await host.Get<WebHooks.Storage.IWebHooksStorage>().Events.RecentAsync("zapier-user", "optin_finalized", 10);
        Assert.AreEqual(2, recent.Count, "the two opt-ins the scenario published");
        Assert.AreEqual(4711, JsonDocument.Parse(recent[1].Data).RootElement.GetProperty("id").GetInt32());
    }
}
