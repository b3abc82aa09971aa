using System.Text.Json;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Cli;

/// <summary>The executable as an admin command line, run as a real child process over the real storage (a file, or a PostgreSQL schema).</summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed partial class AdminCommandsTests
{
    private string _directory = null!;
    private string[] StorageArgs => TestStorage.ArgumentsFor(_directory);

    [TestInitialize]
    public void Folder()
    {
        _directory = Path.Combine(Path.GetTempPath(), "webhooks-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TestCleanup]
    public void Clean()
    {
        TestStorage.Drop(_directory);
        Directory.Delete(_directory, recursive: true);
    }

    [TestMethod]
    public async Task Accounts_are_added_listed_used_and_removed()
    {
        var add = await ServiceProcess.RunCommandAsync("p4ssw0rd\n", ["accounts", "add", "shop", "--password-stdin", "--email", "ops@shop.example", .. StorageArgs]);
        Assert.AreEqual(0, add.ExitCode, add.Error);
        StringAssert.Contains(add.Output, "account shop added");
        Assert.IsFalse(add.Output.Contains("p4ssw0rd") || add.Error.Contains("p4ssw0rd"), "the password is never echoed");

        var again = await ServiceProcess.RunCommandAsync("other\n", ["accounts", "add", "shop", "--password-stdin", .. StorageArgs]);
        Assert.AreEqual(1, again.ExitCode);
        StringAssert.Contains(again.Error, "exists");

        var list = await ServiceProcess.RunCommandAsync(null, ["accounts", "list", .. StorageArgs]);
        StringAssert.Contains(list.Output, "shop");
        StringAssert.Contains(list.Output, "ops@shop.example");

        // The account works against the service over the same file.
        await using (var service = await ServiceProcess.StartAsync(_directory))
        {
            var reply = await Api.CallAsync(service.Http, "GetWebHooks", new { username = "shop", password = "p4ssw0rd" });
            Assert.AreEqual(0, reply.GetProperty("error").GetInt32(), reply.ToString());
        }

        var remove = await ServiceProcess.RunCommandAsync(null, ["accounts", "remove", "shop", .. StorageArgs]);
        Assert.AreEqual(0, remove.ExitCode, remove.Error);
        list = await ServiceProcess.RunCommandAsync(null, ["accounts", "list", .. StorageArgs]);
        Assert.IsFalse(list.Output.Contains("shop"));
    }

    [TestMethod]
    public async Task Bad_commands_say_what_is_wrong()
    {
        var noStdin = await ServiceProcess.RunCommandAsync("pw\n", ["accounts", "add", "shop", .. StorageArgs]);
        Assert.AreEqual(1, noStdin.ExitCode);
        StringAssert.Contains(noStdin.Error, "--password-stdin");

        var badName = await ServiceProcess.RunCommandAsync("pw\n", ["accounts", "add", "sh op", "--password-stdin", .. StorageArgs]);
        StringAssert.Contains(badName.Error, "invalid account name");

        var empty = await ServiceProcess.RunCommandAsync("", ["accounts", "add", "shop", "--password-stdin", .. StorageArgs]);
        StringAssert.Contains(empty.Error, "no password");

        var unknown = await ServiceProcess.RunCommandAsync(null, ["accounts", "frobnicate", .. StorageArgs]);
        Assert.AreEqual(2, unknown.ExitCode);
        StringAssert.Contains(unknown.Error, "usage");
    }

    [TestMethod]
    public async Task Publish_stores_an_event_that_the_service_then_delivers()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await ServiceProcess.RunCommandAsync("pw\n", ["accounts", "add", "shop", "--password-stdin", .. StorageArgs]);
        await using (var service = await ServiceProcess.StartAsync(_directory))
            await Api.CreateWebHookAsync(service.Http, receiver.Url(), user: "shop", password: "pw");

        var publish = await ServiceProcess.RunCommandAsync(null, ["publish", "optin_finalized", """{"id":7}""", "--account", "shop", .. StorageArgs]);
        Assert.AreEqual(0, publish.ExitCode, publish.Error);
        var reply = JsonDocument.Parse(publish.Output).RootElement;
        Assert.AreEqual(1, reply.GetProperty("webhooks").GetInt32());

        var bad = await ServiceProcess.RunCommandAsync(null, ["publish", "optin_finalized", "[1]", "--account", "shop", .. StorageArgs]);
        Assert.AreEqual(1, bad.ExitCode);
        StringAssert.Contains(bad.Error, "data must be a JSON object");

        await using var restarted = await ServiceProcess.StartAsync(_directory);
        var received = await receiver.WaitForRequestsAsync(1, TimeSpan.FromSeconds(30));
        Assert.AreEqual("""{"id":7}""", received[0].BodyText);
        Assert.AreEqual(reply.GetProperty("eventId").GetString(), received[0].Header("webhook-id"));
    }

    [TestMethod]
    public async Task While_the_service_runs_commands_go_through_its_admin_socket()
    {
        await using var receiver = await TestReceiver.StartAsync();
        await using var service = await ServiceProcess.StartAsync(_directory);

        var add = await ServiceProcess.RunCommandAsync("live-pw\n", ["accounts", "add", "live", "--password-stdin", .. StorageArgs]);
        Assert.AreEqual(0, add.ExitCode, add.Error);
        var id = await Api.CreateWebHookAsync(service.Http, receiver.Url(), user: "live", password: "live-pw");

        var publish = await ServiceProcess.RunCommandAsync(null, ["publish", "optin_finalized", """{"live":true}""", "--account", "live", .. StorageArgs]);
        Assert.AreEqual(0, publish.ExitCode, publish.Error);
        var received = await receiver.WaitForRequestsAsync(1, TimeSpan.FromSeconds(30));
        Assert.AreEqual("""{"live":true}""", received[0].BodyText);

        StringAssert.Contains((await ServiceProcess.RunCommandAsync(null, ["accounts", "list", .. StorageArgs])).Output, "live");
        Assert.AreEqual(0, (await ServiceProcess.RunCommandAsync(null, ["accounts", "remove", "live", .. StorageArgs])).ExitCode);
        var gone = await Api.CallAsync(service.Http, "GetWebHooks", new { username = "live", password = "live-pw" });
        Assert.AreEqual(1, gone.GetProperty("error").GetInt32(), "the removed account can no longer log in");

        // The admin endpoints do not answer over TCP.
        using var overTcp = await service.Http.GetAsync("admin/accounts");
        Assert.AreEqual(System.Net.HttpStatusCode.NotFound, overTcp.StatusCode);
        Assert.IsTrue(id > 0);
    }
}
