using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.EndToEnd;

/// <summary>At-least-once across crashes: every event that got a 202 arrives, even when the service is SIGKILLed.</summary>
[TestClass]
[TestCategory("EndToEnd")]
[TestCategory("Slow")]
public sealed class CrashTests
{
    [TestMethod]
    public async Task Every_accepted_event_arrives_after_a_kill_and_restart()
    {
        var directory = Path.Combine(Path.GetTempPath(), "webhooks-crash-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        await using var receiver = await TestReceiver.StartAsync();
        receiver.DefaultResponse = new ReceiverResponse { Delay = TimeSpan.FromMilliseconds(10) };
        const int total = 500;
        var accepted = new ConcurrentDictionary<int, string>();

        try
        {
            var first = await ServiceProcess.StartAsync(directory);
            await Api.CreateWebHookAsync(first.Http, receiver.Url());

            // Publish from four clients while the service streams to the slow receiver; kill it mid-way.
            var next = -1;
            async Task Publisher(HttpClient http)
            {
                int n;
                while ((n = Interlocked.Increment(ref next)) < total)
                {
                    try { accepted[n] = await TryPublishAsync(http, n) ?? throw new HttpRequestException("not accepted"); }
                    catch (HttpRequestException) { Interlocked.Decrement(ref next); return; } // the service is gone
                }
            }
            var publishers = Enumerable.Range(0, 4).Select(_ => Publisher(first.Http)).ToArray();
            await Api.EventuallyAsync(() => Task.FromResult(receiver.Count >= 50 && accepted.Count >= 200), TimeSpan.FromSeconds(60), "deliveries under way");
            first.Kill();
            await Task.WhenAll(publishers);
            await first.DisposeAsync();
            var acceptedBeforeKill = accepted.Count;
            var deliveredBeforeRestart = receiver.Count;

            await using var second = await ServiceProcess.StartAsync(directory);
            for (var n = 0; n < total; n++)
                if (!accepted.ContainsKey(n)) accepted[n] = (await TryPublishAsync(second.Http, n))!;

            await Api.EventuallyAsync(
                () => Task.FromResult(accepted.Values.All(new HashSet<string>(receiver.Requests.Select(r => r.Header("webhook-id"))).Contains)),
                TimeSpan.FromSeconds(90), "every accepted event delivered");

            var received = receiver.Requests;
            foreach (var request in received)
            {
                var n = JsonDocument.Parse(request.Body).RootElement.GetProperty("n").GetInt32();
                Assert.AreEqual(accepted[n], request.Header("webhook-id"), "a redelivered event keeps its webhook-id");
            }
            Console.WriteLine($"accepted before kill {acceptedBeforeKill}, delivered before restart {deliveredBeforeRestart}, " +
                              $"requests in all {received.Count} for {total} events ({received.Count - total} duplicates)");
            Assert.IsTrue(deliveredBeforeRestart < total, "the kill came while events were still streaming");
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); }
            catch (IOException) { }
        }
    }

    private static async Task<string?> TryPublishAsync(HttpClient http, int n)
    {
        // The idempotency key makes a publish that the kill cut off safe to repeat: if the first one was
        // stored, the repeat answers with its event id instead of storing a second event.
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events")
        {
            Content = JsonContent.Create(new { @event = "optin_finalized", data = new { n }, idempotencyKey = $"crash-{n}" }),
        };
        request.Headers.Authorization = ServiceHost.Basic("demo", "demo");
        using var response = await http.SendAsync(request);
        if ((int)response.StatusCode != 202) return null;
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("eventId").GetString();
    }
}
