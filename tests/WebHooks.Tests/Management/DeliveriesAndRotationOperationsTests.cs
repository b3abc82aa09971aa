using System.Text.Json;
using WebHooks.Management;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Management;

/// <summary>
/// GetWebHookDeliveries and RotateWebHookSecret (spec 11) through the engine and through the JSON binding: the same
/// envelope and error codes as the four functions, ownership, the limit's range.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class DeliveriesAndRotationOperationsTests
{
    private static ServiceHost _host = null!;
    private static WebHookOperations Ops => _host.Get<WebHookOperations>();

    [ClassInitialize]
    public static async Task Start(TestContext _)
    {
        _host = await ServiceHost.StartAsync();
        await _host.AddAccountAsync("alice", "alice-pw");
        await _host.AddAccountAsync("bob", "bob-pw");
    }

    [ClassCleanup]
    public static async Task Stop() => await _host.DisposeAsync();

    private static async Task<WebHookView> CreateAsync(string account = "alice", string password = "alice-pw")
    {
        var created = await Ops.CreateWebHookAsync(account, password, "ops", "optout_finalized", "http://127.0.0.1:9/ops");
        Assert.AreEqual(ErrorCode.Ok, created.Error, created.Message);
        return created.Result!;
    }

    [TestMethod]
    public async Task Deliveries_of_a_new_webhook_are_an_empty_list()
    {
        var webHook = await CreateAsync();

        var outcome = await Ops.GetWebHookDeliveriesAsync("alice", "alice-pw", webHook.Id);

        Assert.AreEqual((ErrorCode.Ok, "successfully executed"), (outcome.Error, outcome.Message));
        Assert.AreEqual(0, outcome.Result!.Count);
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(-1)]
    [DataRow(101)]
    public async Task A_limit_outside_1_to_100_is_error_3(int limit)
    {
        var webHook = await CreateAsync();

        var outcome = await Ops.GetWebHookDeliveriesAsync("alice", "alice-pw", webHook.Id, limit);

        Assert.AreEqual(ErrorCode.InvalidParameter, outcome.Error);
        Assert.AreEqual("invalid parameter: limit: must be between 1 and 100", outcome.Message);
        Assert.IsNull(outcome.Result);
    }

    [TestMethod]
    public async Task Missing_ids_are_error_2_and_other_accounts_webhooks_error_4()
    {
        var bobs = await CreateAsync("bob", "bob-pw");

        Assert.AreEqual("missing parameter: webhookId", (await Ops.GetWebHookDeliveriesAsync("alice", "alice-pw", null)).Message);
        Assert.AreEqual(ErrorCode.MissingParameter, (await Ops.RotateWebHookSecretAsync("alice", "alice-pw", 0)).Error);
        Assert.AreEqual(ErrorCode.LoginFailed, (await Ops.GetWebHookDeliveriesAsync("alice", "wrong", bobs.Id)).Error);
        Assert.AreEqual(ErrorCode.LoginFailed, (await Ops.RotateWebHookSecretAsync("alice", "wrong", bobs.Id)).Error);

        var deliveries = await Ops.GetWebHookDeliveriesAsync("alice", "alice-pw", bobs.Id);
        var rotation = await Ops.RotateWebHookSecretAsync("alice", "alice-pw", bobs.Id);

        Assert.AreEqual((ErrorCode.NotFound, "webhook not found"), (deliveries.Error, deliveries.Message));
        Assert.AreEqual((ErrorCode.NotFound, "webhook not found"), (rotation.Error, rotation.Message));
        Assert.AreEqual(bobs.Secret, (await Ops.FindAsync("bob", bobs.Id))!.Secret, "bob's secret is untouched");
    }

    [TestMethod]
    public async Task Rotation_returns_the_webhook_with_a_new_secret_that_GetWebHooks_shows_too()
    {
        var webHook = await CreateAsync();

        var outcome = await Ops.RotateWebHookSecretAsync("alice", "alice-pw", webHook.Id);

        Assert.AreEqual(ErrorCode.Ok, outcome.Error, outcome.Message);
        var rotated = outcome.Result!;
        Assert.AreEqual((webHook.Id, webHook.Url, webHook.Event), (rotated.Id, rotated.Url, rotated.Event));
        StringAssert.StartsWith(rotated.Secret, "whsec_");
        Assert.AreNotEqual(webHook.Secret, rotated.Secret);
        var listed = (await Ops.GetWebHooksAsync("alice", "alice-pw")).Result!.Single(w => w.Id == webHook.Id);
        Assert.AreEqual(rotated.Secret, listed.Secret);
    }

    [TestMethod]
    public async Task The_json_binding_serves_both_functions()
    {
        var webHook = await CreateAsync();

        var deliveries = await Api.CallAsync(_host.Http, "getwebhookdeliveries", new { username = "alice", password = "alice-pw", webhookId = webHook.Id, limit = "5" });
        Assert.AreEqual(0, deliveries.GetProperty("error").GetInt32(), deliveries.ToString());
        Assert.AreEqual(JsonValueKind.Array, deliveries.GetProperty("result").ValueKind);

        var badLimit = await Api.CallAsync(_host.Http, "GetWebHookDeliveries", new { username = "alice", password = "alice-pw", webhookId = webHook.Id, limit = "many" });
        Assert.AreEqual(3, badLimit.GetProperty("error").GetInt32());
        Assert.AreEqual("invalid parameter: limit: not an integer", badLimit.GetProperty("message").GetString());
        Assert.IsFalse(badLimit.TryGetProperty("result", out _));

        var rotated = await Api.CallAsync(_host.Http, "RotateWebHookSecret", new { username = "alice", password = "alice-pw", webhookId = webHook.Id });
        Assert.AreEqual(0, rotated.GetProperty("error").GetInt32(), rotated.ToString());
        Assert.AreNotEqual(webHook.Secret, rotated.GetProperty("result").GetProperty("secret").GetString());
        Assert.AreEqual(webHook.Id, rotated.GetProperty("result").GetProperty("id").GetInt32());

        var missing = await Api.CallAsync(_host.Http, "RotateWebHookSecret", new { username = "alice", password = "alice-pw" });
        Assert.AreEqual(2, missing.GetProperty("error").GetInt32());
    }
}
