using WebHooks.Tests.Support;

namespace WebHooks.Tests.EndToEnd;

[TestClass]
public sealed class RestartTests
{
    [TestMethod]
    public async Task Accounts_and_webhooks_survive_a_restart()
    {
        var first = await ServiceHost.StartAsync();
        var directory = first.Directory;
        try
        {
            await first.AddAccountAsync("keeper", "keeper-pw");
            var id = await Api.CreateWebHookAsync(first.Http, "https://hooks.example.com/a", "optout_finalized", "keeper", "keeper-pw", app: "crm");
            var before = await Api.GetWebHookAsync(first.Http, id, "keeper", "keeper-pw");
            await first.StopAsync();

            await using var second = await ServiceHost.StartAsync(directory);
            var after = await Api.GetWebHookAsync(second.Http, id, "keeper", "keeper-pw");
            Assert.AreEqual(before.ToString(), after.ToString());

            // Ids go on from where they were.
            var next = await Api.CreateWebHookAsync(second.Http, "https://hooks.example.com/b", user: "keeper", password: "keeper-pw");
            Assert.IsTrue(next > id);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
