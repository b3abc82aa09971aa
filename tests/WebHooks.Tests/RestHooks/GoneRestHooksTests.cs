using System.Text.Json;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.RestHooks;

/// <summary>
/// Spec 10: a webhook made through <c>POST /api/hooks</c> whose URL answers 410 Gone is deleted (the subscriber is
/// gone), with an info log line and no notification; one made through SOAP is deactivated with a notification (spec 6).
/// The real service as a child process, so that its log can be read.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class GoneRestHooksTests
{
    private string _directory = null!;

    [TestInitialize]
    public void Folder() => _directory = Directory.CreateTempSubdirectory("webhooks-gone-").FullName;

    [TestCleanup]
    public void Clean()
    {
        TestStorage.Drop(_directory);
        Directory.Delete(_directory, recursive: true);
    }

    [TestMethod]
    public async Task A_rest_hook_answered_410_is_deleted_without_a_notification_and_a_soap_webhook_is_deactivated()
    {
        await using var receiver = await TestReceiver.StartAsync();
        receiver.DefaultResponse = new ReceiverResponse(410);
        await using var service = await ServiceProcess.StartAsync(_directory);
        var keyRun = await ServiceProcess.RunCommandAsync(null, ["accounts", "apikey", "demo", .. TestStorage.ArgumentsFor(_directory)]);
        Assert.AreEqual(0, keyRun.ExitCode, keyRun.Error);
        var key = keyRun.Output.Trim();
        var restHook = (await RestApi.SubscribeAsync(service.Http, key, receiver.Url("/zap"))).GetProperty("id").GetInt32();
        var soapHook = await Api.CreateWebHookAsync(service.Http, receiver.Url("/soap"));

        await RestApi.PublishAsync(service.Http, key, "optin_finalized", """{"id":1}""");

        await service.WaitForOutputAsync($"Webhook {restHook} (optin_finalized, a REST hook) deleted: its URL answered 410 Gone", TimeSpan.FromSeconds(30));
        await Api.EventuallyAsync(async () => (await Api.GetWebHookAsync(service.Http, soapHook)).GetProperty("active").GetInt32() == 0,
            TimeSpan.FromSeconds(30), "the SOAP-made webhook to be deactivated");
        Assert.AreEqual(404, (await RestApi.SendAsync(service.Http, RestApi.Request(HttpMethod.Get, $"api/hooks/{restHook}", key))).Status, "the REST hook is gone");
        var notifications = await RestApi.JsonAsync(service.Http, RestApi.Request(HttpMethod.Get, "api/notifications", key));
        CollectionAssert.AreEqual(new[] { soapHook }, notifications.EnumerateArray().Select(n => n.GetProperty("webhookId").GetInt32()).ToArray(),
            "a notification for the SOAP-made webhook only");
        Assert.IsFalse(service.Output.Contains($"Webhook {restHook} (optin_finalized → ", StringComparison.Ordinal), "no notification was logged for the REST hook");
        var line = service.Output.Split('\n').Single(l => l.Contains($"Webhook {restHook} (optin_finalized, a REST hook) deleted", StringComparison.Ordinal));
        StringAssert.Contains(line, " INFO ", "the deletion is an info line");
    }
}
