using WebHooks.Tests.Support;

namespace WebHooks.Tests.Lifecycle;

/// <summary>Reactivation with and without replay (spec 6); the buffer survives a restart of the service.</summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class ReplayTests
{
    [TestMethod]
    public async Task Replay_after_a_restart_delivers_the_buffer_in_publish_order_before_newer_events()
    {
        await using var kit = await LifecycleKit.StartAsync();
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Enqueue(new ReceiverResponse(410));
        var webHook = await kit.CreateAsync(receiver.Url());

        var (e1, _) = await kit.PublishAsync(1);
        await kit.WaitUntilInactiveAsync(webHook.Id);
        var (e2, kept) = await kit.PublishAsync(2);
        Assert.AreEqual(1, kept, "buffered for the deactivated webhook");
        var (e3, _) = await kit.PublishAsync(3);

        await kit.RestartAsync();

        var (e4, _) = await kit.PublishAsync(4); // buffered after the restart too
        var before = kit.Get(webHook.Id);
        Assert.IsFalse(before.Active);
        Assert.AreEqual(4, before.BufferedEvents);
        Assert.AreEqual(1, receiver.Count, "nothing is delivered while deactivated");

        var activation = await kit.ActivateAsync(webHook.Id, replay: true);
        var (e5, _) = await kit.PublishAsync(5); // newer than the replay: must come after it
        Assert.AreEqual((4, 0), (activation.ReplayedEvents, activation.DiscardedEvents));
        Assert.IsTrue(activation.WebHook.Active);
        Assert.AreEqual(0, activation.WebHook.BufferedEvents);

        await receiver.WaitForRequestsAsync(6, LifecycleKit.Deadline);
        CollectionAssert.AreEqual(new[] { e1, e1, e2, e3, e4, e5 }, LifecycleKit.EventIds(receiver));
        var bodies = receiver.Requests.Skip(1).Select(r => System.Text.Json.JsonDocument.Parse(r.BodyText).RootElement.GetProperty("n").GetInt32());
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 4, 5 }, bodies.ToArray(), "the events' own data, in publish order");
    }

    [TestMethod]
    public async Task A_long_replay_that_fails_midway_goes_on_from_the_failed_event_without_gaps_or_repeats()
    {
        await using var kit = await LifecycleKit.StartAsync(settings: new Dictionary<string, string>
        {
            ["WebHooks:Delivery:RetrySchedule:0"] = "00:00:00.100",
        });
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Enqueue(new ReceiverResponse(410));
        var webHook = await kit.CreateAsync(receiver.Url());
        await kit.PublishAsync(0);
        await kit.WaitUntilInactiveAsync(webHook.Id);
        const int buffered = 300; // a lane reads 64 at a time: the failure falls in its third page
        for (var n = 1; n <= buffered; n++) await kit.PublishAsync(n);

        const int failing = 150;
        receiver.Enqueue([.. Enumerable.Repeat(new ReceiverResponse(), failing), new ReceiverResponse(500)]);
        await kit.ActivateAsync(webHook.Id, replay: true);

        int[] expected = [.. Enumerable.Range(0, failing + 1), .. Enumerable.Range(failing, buffered - failing + 1)];
        await receiver.WaitForRequestsAsync(1 + expected.Length, LifecycleKit.Deadline);
        await kit.WaitUntilDeliveredAsync(webHook.Id, buffered + 1);
        var replayed = receiver.Requests.Skip(1).Select(r => System.Text.Json.JsonDocument.Parse(r.BodyText).RootElement.GetProperty("n").GetInt32());
        CollectionAssert.AreEqual(expected, replayed.ToArray(), "the failed event again, then the ones after it, each once");
        Assert.IsTrue(kit.Get(webHook.Id).Active);
    }

    [TestMethod]
    public async Task Activation_without_replay_discards_the_buffer_and_delivers_only_new_events()
    {
        await using var kit = await LifecycleKit.StartAsync();
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Enqueue(new ReceiverResponse(410));
        var webHook = await kit.CreateAsync(receiver.Url());

        var (e1, _) = await kit.PublishAsync(1);
        await kit.WaitUntilInactiveAsync(webHook.Id);
        await kit.PublishAsync(2);
        await kit.PublishAsync(3);

        var activation = await kit.ActivateAsync(webHook.Id, replay: false);
        Assert.AreEqual((0, 3), (activation.ReplayedEvents, activation.DiscardedEvents));
        Assert.AreEqual(0, activation.WebHook.BufferedEvents);

        var (e4, _) = await kit.PublishAsync(4);
        await receiver.WaitForRequestsAsync(2, LifecycleKit.Deadline);
        await kit.WaitUntilDeliveredAsync(webHook.Id, 4);
        CollectionAssert.AreEqual(new[] { e1, e4 }, LifecycleKit.EventIds(receiver), "the 410 attempt, then only the new event");

        var again = await kit.ActivateAsync(webHook.Id, replay: true);
        Assert.AreEqual((0, 0), (again.ReplayedEvents, again.DiscardedEvents), "activating an active webhook changes nothing");
    }
}
