using System.Net.Http.Headers;
using WebHooks.Accounts;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Cli;

/// <summary><c>accounts apikey NAME [--revoke KEY]</c> (spec 10), on the storage directly and through a running service.</summary>
public sealed partial class AdminCommandsTests
{
    [TestMethod]
    public async Task An_api_key_is_printed_once_stored_as_a_hash_and_revoked_without_a_running_service()
    {
        Assert.AreEqual(0, (await ServiceProcess.RunCommandAsync("pw\n", ["accounts", "add", "Shop", "--password-stdin", .. StorageArgs])).ExitCode);

        var made = await ServiceProcess.RunCommandAsync(null, ["accounts", "apikey", "SHOP", .. StorageArgs]);

        Assert.AreEqual(0, made.ExitCode, made.Error);
        var key = made.Output.Trim();
        Assert.IsTrue(ApiKeys.IsWellFormed(key), $"the key alone on standard output: {made.Output}");
        StringAssert.Contains(made.Error, "shown once");
        Assert.AreNotEqual(key, (await ServiceProcess.RunCommandAsync(null, ["accounts", "apikey", "shop", .. StorageArgs])).Output.Trim(), "a new key each time");
        if (!TestStorage.IsPostgreSql)
            Assert.IsFalse(ContainsBytes(File.ReadAllBytes(Path.Combine(_directory, "webhooks.db")), key), "only the hash is stored");

        await using (var service = await ServiceProcess.StartAsync(_directory))
        {
            Assert.AreEqual("""{"account":"shop"}""", await MeAsync(service, key));
        }

        var revoke = await ServiceProcess.RunCommandAsync(null, ["accounts", "apikey", "shop", "--revoke", key, .. StorageArgs]);
        Assert.AreEqual(0, revoke.ExitCode, revoke.Error);
        StringAssert.Contains(revoke.Output, $"API key {key[..8]}… of shop revoked");
        var twice = await ServiceProcess.RunCommandAsync(null, ["accounts", "apikey", "shop", "--revoke", key, .. StorageArgs]);
        Assert.AreEqual(1, twice.ExitCode);
        StringAssert.Contains(twice.Error, "no such API key");

        await using (var service = await ServiceProcess.StartAsync(_directory))
        {
            Assert.AreEqual("401", await MeAsync(service, key));
        }

        var nobody = await ServiceProcess.RunCommandAsync(null, ["accounts", "apikey", "nobody", .. StorageArgs]);
        Assert.AreEqual((1, true), (nobody.ExitCode, nobody.Error.Contains("no account nobody")), nobody.Error);
    }

    [TestMethod]
    public async Task Api_keys_are_made_and_revoked_while_the_service_runs()
    {
        await using var service = await ServiceProcess.StartAsync(_directory);

        var made = await ServiceProcess.RunCommandAsync(null, ["accounts", "apikey", "demo", .. StorageArgs]);
        Assert.AreEqual(0, made.ExitCode, made.Error);
        var key = made.Output.Trim();
        Assert.AreEqual("""{"account":"demo"}""", await MeAsync(service, key));

        var revoke = await ServiceProcess.RunCommandAsync(null, ["accounts", "apikey", "demo", "--revoke", key, .. StorageArgs]);
        Assert.AreEqual(0, revoke.ExitCode, revoke.Error);
        Assert.AreEqual("401", await MeAsync(service, key), "revoked at once");

        var missing = await ServiceProcess.RunCommandAsync(null, ["accounts", "apikey", "demo", "--revoke", .. StorageArgs]);
        Assert.AreEqual(1, missing.ExitCode);
        StringAssert.Contains(missing.Error, "--revoke needs the KEY");
    }

    /// <returns>The body of <c>GET /api/me</c> with the key, or the status when it is not 200.</returns>
    private static async Task<string> MeAsync(ServiceProcess service, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await service.Http.SendAsync(request);
        return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : ((int)response.StatusCode).ToString();
    }

    private static bool ContainsBytes(byte[] haystack, string text) =>
        haystack.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(text)) >= 0;
}
