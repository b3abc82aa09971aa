using System.Net;
using System.Net.Http.Json;
using WebHooks.Service.Admin;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Cli;

/// <summary>
/// <c>accounts add … --email ADDRESS</c>: notifications are mailed to that address, so a wrong one once went
/// unnoticed until a webhook failed. It is checked when the account is added, by the command line and by a
/// running service's admin socket alike, with a clear error; nothing is added.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
[TestCategory("LiteDbOnly")]
public sealed class AccountEmailAddressesAreValidated
{
    private string _directory = null!;
    private string StorageArg => $"--WebHooks:Storage:Path={Path.Combine(_directory, "webhooks.db")}";

    public static IEnumerable<object[]> Invalid =>
    [
        ["not-an-address"], ["ops@"], ["@shop.example"], ["ops@@shop.example"], ["ops@shop..example"], ["ops shop@shop.example"],
        ["Ops <ops@shop.example>"], ["ops@shop.example\nBcc: all@example.com"], ["ops@-shop.example"], ["ops.@shop.example"],
        [new string('a', 250) + "@shop.example"], [""],
    ];

    [TestInitialize]
    public void Folder()
    {
        _directory = Path.Combine(Path.GetTempPath(), "webhooks-email-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TestCleanup]
    public void Clean() => Directory.Delete(_directory, recursive: true);

    [TestMethod]
    [DynamicData(nameof(Invalid))]
    public async Task AnInvalidAddressIsRefusedByTheCommandLine(string email)
    {
        var add = await ServiceProcess.RunCommandAsync("pw\n", "accounts", "add", "shop", "--password-stdin", "--email", email, StorageArg);

        Assert.AreEqual(1, add.ExitCode, $"{add.Output} {add.Error}");
        StringAssert.StartsWith(add.Error, "error: invalid e-mail address", add.Error);
        Assert.IsFalse(File.Exists(Path.Combine(_directory, "webhooks.db")), "refused before the database is even opened");
    }

    [TestMethod]
    public async Task AnInvalidAddressIsRefusedThroughTheAdminSocketOfARunningService()
    {
        await using var service = await ServiceProcess.StartAsync(_directory);

        var add = await ServiceProcess.RunCommandAsync("pw\n", "accounts", "add", "shop", "--password-stdin", "--email", "ops@shop..example", StorageArg);

        Assert.AreEqual(1, add.ExitCode, $"{add.Output} {add.Error}");
        StringAssert.StartsWith(add.Error, "error: invalid e-mail address", add.Error);
        Assert.DoesNotContain("shop", (await ServiceProcess.RunCommandAsync(null, "accounts", "list", StorageArg)).Output);

        // The socket itself checks too, whoever calls it.
        using (var socket = AdminSocket.Client(Path.Combine(_directory, "webhooks.db")))
        {
            using var refused = await socket.PostAsJsonAsync("admin/accounts", new AdminSocket.AdminAccount("shop", "pw", "ops@@shop.example"));
            Assert.AreEqual(HttpStatusCode.BadRequest, refused.StatusCode);
            StringAssert.Contains(await refused.Content.ReadAsStringAsync(), "invalid e-mail address");
        }
        Assert.DoesNotContain("shop", (await ServiceProcess.RunCommandAsync(null, "accounts", "list", StorageArg)).Output);

        var good = await ServiceProcess.RunCommandAsync("pw\n", "accounts", "add", "shop", "--password-stdin", "--email", "ops+hooks@mail.shop-example.com", StorageArg);
        Assert.AreEqual(0, good.ExitCode, good.Error);
    }

    [TestMethod]
    public async Task ValidAddressesAreAccepted()
    {
        string[] valid = ["ops@shop.example", "first.last+tag@sub.shop-example.co.uk", "o'brien_ops@shop.example", "root@localhost"];
        for (var i = 0; i < valid.Length; i++)
        {
            var add = await ServiceProcess.RunCommandAsync("pw\n", "accounts", "add", $"shop{i}", "--password-stdin", "--email", valid[i], StorageArg);
            Assert.AreEqual(0, add.ExitCode, $"{valid[i]}: {add.Error}");
        }

        var list = (await ServiceProcess.RunCommandAsync(null, "accounts", "list", StorageArg)).Output;
        foreach (var email in valid) StringAssert.Contains(list, email);
    }
}
