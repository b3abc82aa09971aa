using System.Net;
using WebHooks.Lifecycle;
using WebHooks.Storage;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Lifecycle;

/// <summary>The buffer's time rules on a fake clock: the 5-day period after deactivation, and the retention.</summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class BufferTimeTests
{
    private static readonly TimeSpan Period = TimeSpan.FromDays(5);
    private static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    [TestMethod]
    public async Task Events_just_before_the_end_of_the_buffer_period_are_buffered_and_later_ones_are_counted_but_not_kept()
    {
        await using var kit = await LifecycleKit.StartAsync(fakeClock: true);
        await using var gone = await TestReceiver.StartAsync();
        await using var other = await TestReceiver.StartAsync();
        gone.Enqueue(new ReceiverResponse(410));
        var webHook = await kit.CreateAsync(gone.Url());
        var neighbour = await kit.CreateAsync(other.Url(), app: "neighbour"); // same stream, stays active

        var (e1, kept1) = await kit.PublishAsync(1);
        Assert.AreEqual(2, kept1);
        await kit.WaitUntilInactiveAsync(webHook.Id);
        var deactivated = kit.Get(webHook.Id).Deactivated!.Value;
        Assert.AreEqual(kit.Clock!.GetUtcNow().UtcDateTime, deactivated, "deactivated now, on the service's clock");
        await kit.WaitUntilDeliveredAsync(neighbour.Id, 1);

        kit.Clock.Advance(Period - TimeSpan.FromSeconds(1));
        var (e2, kept2) = await kit.PublishAsync(2);
        Assert.AreEqual(2, kept2, "just before the end of the period: buffered for the deactivated webhook");
        await kit.WaitUntilDeliveredAsync(neighbour.Id, 2);

        kit.Clock.Advance(TimeSpan.FromSeconds(2));
        var (e3, kept3) = await kit.PublishAsync(3);
        Assert.AreEqual(1, kept3, "just after the end of the period: not kept for the deactivated webhook");
        var (_, kept4) = await kit.PublishAsync(4);
        Assert.AreEqual(1, kept4);

        var view = kit.Get(webHook.Id);
        Assert.AreEqual(2, view.BufferedEvents, "e1 (undelivered) and e2");
        Assert.AreEqual(2, kit.Record(webHook.Id).DroppedEvents, "e3 and e4 are counted");
        await other.WaitForRequestsAsync(4, LifecycleKit.Deadline);

        // The operator sees the count on the notification's page.
        var notification = kit.NotificationsOf(webHook.Id).Single();
        using var client = kit.Client();
        var page = await client.GetStringAsync(kit.LinkOf(notification).TrimStart('/'));
        StringAssert.Contains(page, "<dd data-field=\"droppedEvents\">2 ");
        StringAssert.Contains(page, "<dd data-field=\"bufferedEvents\">2</dd>");

        var activation = await kit.ActivateAsync(webHook.Id, replay: true);
        Assert.AreEqual((2, 0), (activation.ReplayedEvents, activation.DiscardedEvents));
        var (e5, _) = await kit.PublishAsync(5);
        await gone.WaitForRequestsAsync(4, LifecycleKit.Deadline);
        CollectionAssert.AreEqual(new[] { e1, e1, e2, e5 }, LifecycleKit.EventIds(gone),
            "the 410 attempt, then the buffer in order, then the new event; e3 and e4 never");
        Assert.AreNotEqual(e3, e5);
    }

    [TestMethod]
    public async Task Retention_drops_old_buffers_unneeded_events_and_old_idempotency_records()
    {
        await using var kit = await LifecycleKit.StartAsync(fakeClock: true);
        await using var gone = await TestReceiver.StartAsync();
        await using var live = await TestReceiver.StartAsync();
        gone.DefaultResponse = new ReceiverResponse(410);
        var webHook = await kit.CreateAsync(gone.Url());
        var delivered = await kit.CreateAsync(live.Url(), @event: "optout_finalized");

        var (first, _) = await kit.PublishAsync(1, idempotencyKey: "order-1");
        await kit.WaitUntilInactiveAsync(webHook.Id);
        await kit.PublishAsync(2);
        await kit.PublishAsync(3, @event: "optout_finalized");
        await kit.WaitUntilDeliveredAsync(delivered.Id, 1);
        var job = kit.Host.Get<RetentionJob>();

        // A day later (the hourly pass runs on the advanced clock): the idempotency record is gone, the
        // delivered event too, the buffer stays.
        var passes = job.Passes;
        kit.Clock!.Advance(TimeSpan.FromHours(25));
        await LifecycleKit.WaitUntilAsync(() => job.Passes > passes && kit.EventsStoredFor(delivered.Id) == 0, "the first retention pass");
        var result = await RunRetentionAsync(job);
        Assert.AreEqual(new RetentionResult(0, 0, 0, 0), result, "nothing left to do");
        Assert.AreEqual(2, kit.Get(webHook.Id).BufferedEvents);
        Assert.AreEqual(2, kit.EventsStoredFor(webHook.Id));
        var (again, _) = await kit.PublishAsync(4, idempotencyKey: "order-1");
        Assert.AreNotEqual(first, again, "the key is forgotten after 24 hours");
        Assert.AreEqual(3, kit.Get(webHook.Id).BufferedEvents, "day 1 is within the buffer period");

        // Just before the retention ends, everything is still there.
        kit.Clock.Advance(Retention - TimeSpan.FromHours(25) - TimeSpan.FromMinutes(1));
        Assert.AreEqual(0, (await RunRetentionAsync(job)).PurgedBuffers);
        Assert.AreEqual(3, kit.Get(webHook.Id).BufferedEvents);

        // The hosted job's next hourly pass after the retention drops the buffer and its events.
        passes = job.Passes;
        kit.Clock.Advance(TimeSpan.FromHours(1));
        await LifecycleKit.WaitUntilAsync(() => job.Passes > passes && kit.Get(webHook.Id).BufferedEvents == 0, "the retention pass");
        Assert.AreEqual(0, kit.EventsStoredFor(webHook.Id), "no webhook needs the stream's events any more");
        Assert.IsFalse(kit.Get(webHook.Id).Active);

        var activation = await kit.ActivateAsync(webHook.Id, replay: true);
        Assert.AreEqual((0, 0), (activation.ReplayedEvents, activation.DiscardedEvents));
        Assert.AreEqual(1, gone.Count, "nothing replayed");
    }

    /// <summary>A pass of our own, once the hosted job's pass (started by advancing the clock) has let go of the lead.</summary>
    private static async Task<RetentionResult> RunRetentionAsync(RetentionJob job)
    {
        var until = DateTime.UtcNow + LifecycleKit.Deadline;
        while (true)
        {
            if (await job.RunOnceAsync() is { } result) return result;
            if (DateTime.UtcNow > until) throw new AssertFailedException("the retention lead was never free");
            await Task.Delay(20);
        }
    }
}
