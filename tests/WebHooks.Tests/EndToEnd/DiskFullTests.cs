using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.EndToEnd;

/// <summary>
/// The embedded store on a disk that fills up (issue 8, item 5): publishes get 503 with a JSON error meanwhile, the
/// service recovers by itself once there is room again, and every acknowledged event is delivered. Needs root (to mount
/// a 6 MB tmpfs, as the reviewer did); elsewhere the test is inconclusive, and fails under CI=true.
/// </summary>
[TestClass]
[TestCategory("Slow")]
[TestCategory("EndToEnd")]
[TestCategory("LiteDbOnly")]
public sealed class DiskFullTests
{
    [TestMethod]
    public async Task A_full_disk_gives_503_and_is_recovered_without_a_restart()
    {
        var directory = Directory.CreateTempSubdirectory("webhooks-diskfull-").FullName;
        Mount(directory);
        try
        {
            await using var receiver = await TestReceiver.StartAsync();
            await using (var host = await ServiceHost.StartAsync(Path.Combine(directory, "data")))
            {
                await Api.CreateWebHookAsync(host.Http, receiver.Url());
                var acknowledged = new List<string>();

                var filler = Path.Combine(directory, "filler");
                Fill(filler);
                var refused = 0;
                for (var i = 0; i < 2_000 && refused == 0; i++)
                {
                    using var response = await PublishAsync(host, i);
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode == HttpStatusCode.Accepted) acknowledged.Add(JsonDocument.Parse(body).RootElement.GetProperty("eventId").GetString()!);
                    else
                    {
                        Assert.AreEqual(HttpStatusCode.ServiceUnavailable, response.StatusCode, body);
                        StringAssert.Contains(JsonDocument.Parse(body).RootElement.GetProperty("error").GetString(), "cannot store");
                        refused++;
                    }
                }
                Assert.AreEqual(1, refused, "the full disk was noticed");

                File.Delete(filler);
                await Api.EventuallyAsync(async () =>
                {
                    using var response = await PublishAsync(host, 10_000);
                    if (response.StatusCode != HttpStatusCode.Accepted) return false;
                    acknowledged.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("eventId").GetString()!);
                    return true;
                }, TimeSpan.FromSeconds(30), "publishing works again once there is room");
                using (var health = await host.Http.GetAsync("healthz")) Assert.AreEqual(HttpStatusCode.OK, health.StatusCode);
                var created = await Api.CallAsync(host.Http, "CreateWebHook",
                    new { username = "demo", password = "demo", app = "after", @event = "optout_finalized", url = "https://example.com/after" });
                Assert.AreEqual(0, created.GetProperty("error").GetInt32(), created.ToString());

                await Api.EventuallyAsync(() => Task.FromResult(acknowledged.All(receiver.EventIds().Contains)), TimeSpan.FromSeconds(30),
                    $"all {acknowledged.Count} acknowledged events delivered");
            }

            // What the failed database left behind must never run later: a finalizer that throws would end the process
            // (and this test run with it), long after the service recovered.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
        finally
        {
            // Best effort: a failure above must not be hidden by a mount that is still busy.
            if (Run("umount", directory).Code == 0) Directory.Delete(directory, recursive: true);
            else Run("umount", "--lazy", directory);
        }
    }

    private static Task<HttpResponseMessage> PublishAsync(ServiceHost host, int n)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/events")
        {
            Content = JsonContent.Create(new { @event = "optin_finalized", data = new { n, padding = new string('x', 2_000) } }),
        };
        request.Headers.Authorization = ServiceHost.Basic("demo", "demo");
        return host.Http.SendAsync(request);
    }

    /// <summary>Writes until the disk is full.</summary>
    private static void Fill(string path)
    {
        using var stream = File.Create(path);
        var chunk = new byte[64 * 1024];
        try
        {
            for (var i = 0; i < 10_000; i++) stream.Write(chunk);
            Assert.Fail("the tmpfs never filled up");
        }
        catch (IOException)
        {
        }
    }

    private static void Mount(string directory)
    {
        var (code, error) = Run("mount", "-t", "tmpfs", "-o", "size=6m,mode=0700", "tmpfs", directory);
        if (code == 0) return;
        var message = $"mounting a tmpfs needs root: {error.Trim()}";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)) Assert.Fail(message);
        Assert.Inconclusive(message);
    }

    private static (int Code, string Error) Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit(10_000);
        return (process.ExitCode, error);
    }
}
