using System.Net.Http.Json;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Security;

/// <summary>
/// Values that come from requests (account names, parameters) are logged with their control characters encoded,
/// so that nobody can write a line of their own into the log: a user name with a newline once did.
/// The real executable with its real NLog configuration, read from its console output.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class LogValuesCannotForgeLines
{
    private const string Forged = "2030-01-01 00:00:00Z INFO  FORGED"; // names are at most 64 characters

    [TestMethod]
    public async Task ALoginWithANewlineInTheNameWritesNoLineOfItsOwn()
    {
        var directory = Path.Combine(Path.GetTempPath(), "webhooks-log-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            await using var service = await ServiceProcess.StartAsync(directory);

            foreach (var name in new[] { "x\n" + Forged, "y\r\n" + Forged, "z\r" + Forged, "w\u001b[2K\r" + Forged })
            {
                using var reply = await service.Http.PostAsJsonAsync("webservice/json/GetWebHooks", new { username = name, password = "wrong" });
                StringAssert.Contains(await reply.Content.ReadAsStringAsync(), "login failed");
            }
            await service.WaitForOutputAsync("Login failed for w", TimeSpan.FromSeconds(20));

            var lines = service.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            foreach (var line in lines)
                Assert.IsFalse(line.Contains("FORGED", StringComparison.Ordinal) && !line.Contains("Login failed for", StringComparison.Ordinal),
                    $"a line of its own: \"{line}\"\nthe whole log:\n{service.Output}");
            Assert.IsFalse(service.Output.Contains('\u001b'), "no terminal escape sequence reaches the log");
            // Account names are logged in their one (lower-case) spelling.
            StringAssert.Contains(service.Output, @"Login failed for x\n" + Forged, StringComparison.OrdinalIgnoreCase, "the value is still readable, with \\n for the newline");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
