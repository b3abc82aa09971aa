using System.Text.Json;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Cli;

/// <summary>Account names on the command line, and removal, while the service runs (issue 8, items 2 and 3).</summary>
public sealed partial class AdminCommandsTests
{
    [TestMethod]
    public async Task Publishing_for_an_account_in_another_spelling_reaches_its_webhooks()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var service = await ServiceProcess.StartAsync(_directory);
        var add = await ServiceProcess.RunCommandAsync("carol-pw\n", ["accounts", "add", "Carol", "--password-stdin", .. StorageArgs]);
        Assert.AreEqual(0, add.ExitCode, add.Error);
        StringAssert.Contains(add.Output, "account carol added", "one spelling from the start");
        await Api.CreateWebHookAsync(service.Http, receiver.Url(), user: "carol", password: "carol-pw");

        var publish = await ServiceProcess.RunCommandAsync(null, ["publish", "optin_finalized", """{"spelling":"CAROL"}""", "--account", "CAROL", .. StorageArgs]);
        Assert.AreEqual(0, publish.ExitCode, publish.Error);
        Assert.AreEqual(1, JsonDocument.Parse(publish.Output).RootElement.GetProperty("webhooks").GetInt32());

        var received = await receiver.WaitForRequestsAsync(1, TimeSpan.FromSeconds(30));
        Assert.AreEqual("""{"spelling":"CAROL"}""", received[0].BodyText, "the event reaches carol's webhook");

        var list = await ServiceProcess.RunCommandAsync(null, ["accounts", "list", .. StorageArgs]);
        Assert.AreEqual(1, list.Output.Split('\n').Count(l => l.StartsWith("carol", StringComparison.OrdinalIgnoreCase)), list.Output);
    }

    [TestMethod]
    public async Task Removing_an_account_stops_its_deliveries_at_once()
    {
        await using var receiver = await TestReceiver.StartAsync();
        receiver.DefaultResponse = new ReceiverResponse { Delay = TimeSpan.FromMilliseconds(300) };
        await using var service = await ServiceProcess.StartAsync(_directory);
        Assert.AreEqual(0, (await ServiceProcess.RunCommandAsync("pw\n", ["accounts", "add", "leaving", "--password-stdin", .. StorageArgs])).ExitCode);
        await Api.CreateWebHookAsync(service.Http, receiver.Url(), user: "leaving", password: "pw");
        for (var i = 0; i < 30; i++) await Api.PublishAsync(service.Http, "optin_finalized", new { i }, "leaving", "pw");
        await receiver.WaitForRequestsAsync(2, TimeSpan.FromSeconds(30));

        var remove = await ServiceProcess.RunCommandAsync(null, ["accounts", "remove", "leaving", .. StorageArgs]);
        Assert.AreEqual(0, remove.ExitCode, remove.Error);
        var atRemoval = receiver.Count;

        // Watch for as long as five more deliveries would take: at most the one in flight may still arrive.
        var watched = await receiver.QuietForAsync(TimeSpan.FromMilliseconds(1_500), TimeSpan.FromSeconds(10));
        Assert.IsTrue(watched - atRemoval <= 1, $"{watched - atRemoval} events were delivered after the account was removed");
        Assert.IsTrue(watched < 30, "the rest of the 30 events was never delivered");
    }
}
