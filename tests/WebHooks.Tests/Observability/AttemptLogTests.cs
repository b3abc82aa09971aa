using System.Globalization;
using WebHooks.Lifecycle;
using WebHooks.Management;
using WebHooks.Tests.Lifecycle;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Observability;

/// <summary>
/// The attempt log (spec 11) end to end: real deliveries to a real receiver, read back with GetWebHookDeliveries:
/// every attempt with its event, number, time, HTTP status (0 without a response), duration and error, newest first;
/// a replay counts on; attempts older than 7 days are purged.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class AttemptLogTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static async Task<IReadOnlyList<DeliveryView>> DeliveriesAsync(WebHookOperations ops, string user, string password, int id, int count, int? limit = null)
    {
        IReadOnlyList<DeliveryView> list = [];
        await Api.EventuallyAsync(async () =>
        {
            var outcome = await ops.GetWebHookDeliveriesAsync(user, password, id, limit);
            Assert.AreEqual(ErrorCode.Ok, outcome.Error, outcome.Message);
            list = outcome.Result!;
            return list.Count >= count;
        }, Deadline, $"{count} attempts logged for webhook {id}");
        return list;
    }

    [TestMethod]
    public async Task Every_attempt_is_listed_newest_first_with_its_status_duration_and_error()
    {
        await using var host = await ServiceHost.StartAsync(settings: new Dictionary<string, string>
        {
            ["WebHooks:Delivery:RetrySchedule:0"] = "00:00:00.200",
        });
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Enqueue(new ReceiverResponse(500));
        var id = await Api.CreateWebHookAsync(host.Http, receiver.Url());
        var first = await Api.PublishAsync(host.Http, "optin_finalized", new { n = 1 });
        await receiver.WaitForRequestsAsync(2, Deadline);
        var second = await Api.PublishAsync(host.Http, "optin_finalized", new { n = 2 });
        await receiver.WaitForRequestsAsync(3, Deadline);
        var ops = host.Get<WebHookOperations>();

        var deliveries = await DeliveriesAsync(ops, "demo", "demo", id, 3);

        Assert.AreEqual(3, deliveries.Count, string.Join("\n", deliveries));
        Assert.AreEqual((second, "optin_finalized", 1, 200, true, ""), Shape(deliveries[0]));
        Assert.AreEqual((first, "optin_finalized", 2, 200, true, ""), Shape(deliveries[1]));
        Assert.AreEqual((first, "optin_finalized", 1, 500, false),
            (deliveries[2].EventId, deliveries[2].Event, deliveries[2].Attempt, deliveries[2].Status, deliveries[2].Succeeded));
        StringAssert.StartsWith(deliveries[2].Error, "HTTP 500");
        Assert.IsTrue(deliveries.All(d => d.DurationMs >= 0 && d.DurationMs < 10_000), "durations in ms");
        Assert.IsTrue(deliveries[0].Created >= deliveries[1].Created && deliveries[1].Created >= deliveries[2].Created, "newest first");
        Assert.IsTrue(deliveries.All(d => DateTime.UtcNow - d.Created < TimeSpan.FromMinutes(1)), "the time of the attempt, UTC");

        var newest = await ops.GetWebHookDeliveriesAsync("demo", "demo", id, 1);
        Assert.AreEqual(second, newest.Result!.Single().EventId, "limit");

        // The JSON binding shows the wire shape.
        var reply = await Api.CallAsync(host.Http, "GetWebHookDeliveries", new { username = "demo", password = "demo", webhookId = id });
        var wire = reply.GetProperty("result")[2];
        Assert.AreEqual(first, wire.GetProperty("eventId").GetString());
        Assert.AreEqual(500, wire.GetProperty("status").GetInt32());
        Assert.AreEqual(0, wire.GetProperty("succeeded").GetInt32());
        Assert.IsTrue(DateTime.TryParseExact(wire.GetProperty("created").GetString(), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _));
    }

    [TestMethod]
    public async Task An_attempt_without_a_response_has_status_0_and_says_why()
    {
        await using var host = await ServiceHost.StartAsync();
        var closedPort = ExternalTools.FreePort(); // nothing listens there
        var id = await Api.CreateWebHookAsync(host.Http, $"http://127.0.0.1:{closedPort}/hook");
        var eventId = await Api.PublishAsync(host.Http, "optin_finalized", new { n = 1 });

        var attempt = (await DeliveriesAsync(host.Get<WebHookOperations>(), "demo", "demo", id, 1)).Single();

        Assert.AreEqual((eventId, 1, 0, false), (attempt.EventId, attempt.Attempt, attempt.Status, attempt.Succeeded));
        Assert.AreNotEqual("", attempt.Error);
        Assert.AreEqual((await host.Get<WebHookOperations>().FindAsync("demo", id))!.LastError, attempt.Error, "the same text as lastError");
    }

    [TestMethod]
    public async Task A_replayed_event_counts_on_from_its_earlier_attempts()
    {
        await using var kit = await LifecycleKit.StartAsync();
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Enqueue(new ReceiverResponse(410));
        var webHook = await kit.CreateAsync(receiver.Url());
        var (eventId, _) = await kit.PublishAsync(1);
        await kit.WaitUntilInactiveAsync(webHook.Id);

        await kit.ActivateAsync(webHook.Id, replay: true);
        await receiver.WaitForRequestsAsync(2, Deadline);

        var deliveries = await DeliveriesAsync(kit.Ops, LifecycleKit.Account, LifecycleKit.Password, webHook.Id, 2);
        Assert.AreEqual((eventId, 2, 200, true), (deliveries[0].EventId, deliveries[0].Attempt, deliveries[0].Status, deliveries[0].Succeeded));
        Assert.AreEqual((eventId, 1, 410, false), (deliveries[1].EventId, deliveries[1].Attempt, deliveries[1].Status, deliveries[1].Succeeded));
    }

    [TestMethod]
    public async Task Attempts_are_kept_7_days()
    {
        await using var kit = await LifecycleKit.StartAsync(fakeClock: true);
        await using var receiver = await TestReceiver.StartAsync();
        var webHook = await kit.CreateAsync(receiver.Url());
        await kit.PublishAsync(1);
        await receiver.WaitForRequestsAsync(1, Deadline);
        await DeliveriesAsync(kit.Ops, LifecycleKit.Account, LifecycleKit.Password, webHook.Id, 1);
        var retention = kit.Host.Get<RetentionJob>();

        kit.Clock!.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        await RunRetentionAsync(retention);
        Assert.AreEqual(1, (await kit.Ops.GetWebHookDeliveriesAsync(LifecycleKit.Account, LifecycleKit.Password, webHook.Id)).Result!.Count, "kept within 7 days");

        kit.Clock.Advance(TimeSpan.FromMinutes(2));
        await RunRetentionAsync(retention);
        Assert.AreEqual(0, (await kit.Ops.GetWebHookDeliveriesAsync(LifecycleKit.Account, LifecycleKit.Password, webHook.Id)).Result!.Count, "purged after 7 days");
    }

    /// <summary>One pass of our own (the job's timer may be running one on the advanced clock: then wait for it).</summary>
    private static async Task RunRetentionAsync(RetentionJob retention)
    {
        var until = DateTime.UtcNow + Deadline;
        while (await retention.RunOnceAsync() is null)
        {
            if (DateTime.UtcNow > until) Assert.Fail("no retention pass could run");
            await Task.Delay(20); // another pass holds the leadership
        }
    }

    private static (string, string, int, int, bool, string) Shape(DeliveryView d) => (d.EventId, d.Event, d.Attempt, d.Status, d.Succeeded, d.Error);
}
