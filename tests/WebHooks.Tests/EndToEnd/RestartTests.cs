using WebHooks.Tests.Support;

namespace WebHooks.Tests.EndToEnd;

[TestClass]
[TestCategory("EndToEnd")]
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
            TestStorage.Drop(directory);
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public async Task Webhook_ids_are_never_used_again_after_a_restart()
    {
        var first = await ServiceHost.StartAsync();
        var directory = first.Directory;
        try
        {
            var ids = new List<int>();
            for (var i = 0; i < 3; i++) ids.Add(await Api.CreateWebHookAsync(first.Http, $"https://hooks.example.com/{i}"));
            foreach (var id in ids)
                Assert.AreEqual(0, (await Api.CallAsync(first.Http, "DeleteWebHookById", new { username = "demo", password = "demo", webhookId = id }))
                    .GetProperty("error").GetInt32());
            await first.StopAsync();

            await using var second = await ServiceHost.StartAsync(directory);
            var next = await Api.CreateWebHookAsync(second.Http, "https://hooks.example.com/new");
            Assert.IsTrue(next > ids.Max(), $"webhook {next} after {ids.Max()} was deleted: a link or script holding an old id must never reach a new webhook");
            var old = await Api.CallAsync(second.Http, "ActivateWebHook", new { username = "demo", password = "demo", webhookId = ids.Max() });
            Assert.AreEqual(4, old.GetProperty("error").GetInt32(), "the old id stays unknown");
        }
        finally
        {
            TestStorage.Drop(directory);
            Directory.Delete(directory, recursive: true);
        }
    }
}
