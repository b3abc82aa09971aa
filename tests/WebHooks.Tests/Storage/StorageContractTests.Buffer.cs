using WebHooks.Delivery;
using WebHooks.Lifecycle;
using WebHooks.Storage;

namespace WebHooks.Tests.Storage;

public abstract partial class StorageContractTests
{
    /// <summary>
    /// A and B listen to one stream; B delivers everything, A is deactivated at <see cref="T1"/> with 2 undelivered
    /// events, one more is buffered within the period, and two come after it (dropped for A, stored for B).
    /// </summary>
    private async Task<(WebHookRecord A, WebHookRecord B)> BufferScenarioAsync()
    {
        await AddAccountAsync();
        var a = await CreateAsync();
        var b = await CreateAsync();
        await PublishAsync(T0.AddMinutes(1));
        await PublishAsync(T0.AddMinutes(2));
        await DeliverAllAsync(b.Id);

        await DeactivateAsync(a.Id, T1);
        Assert.AreEqual(2, (await FindAsync(a.Id)).BufferedEvents, "its undelivered events are its buffer");

        var inPeriod = await PublishAsync(T1.AddDays(1));
        Assert.AreEqual(2, inPeriod.WebHooks, "buffered for A, queued for B");
        CollectionAssert.AreEqual(new[] { b.Id }, inPeriod.Queued.ToArray(), "only active webhooks are woken");
        Assert.AreEqual(0, inPeriod.Dropped.Count);
        Assert.AreEqual(3, (await FindAsync(a.Id)).BufferedEvents);

        var atEnd = await PublishAsync(T1 + Period);
        Assert.AreEqual(1, atEnd.WebHooks, "the buffer period is over for A");
        CollectionAssert.AreEqual(new[] { a.Id }, atEnd.Dropped.ToArray());
        var closed = await FindAsync(a.Id);
        Assert.AreEqual((1L, (long?)3, 4L, 3L), (closed.DroppedEvents, closed.BufferClosedAt, closed.Head, closed.BufferedEvents));

        var after = await PublishAsync(T1.AddDays(6));
        CollectionAssert.AreEqual(new[] { a.Id }, after.Dropped.ToArray());
        await DeliverAllAsync(b.Id);
        var stillClosed = await FindAsync(a.Id);
        Assert.AreEqual((2L, (long?)3, 5L, 3L), (stillClosed.DroppedEvents, stillClosed.BufferClosedAt, stillClosed.Head, stillClosed.BufferedEvents));
        return (stillClosed, await FindAsync(b.Id));
    }

    [TestMethod]
    public async Task Buffered_counts_follow_deactivation_publishing_and_the_end_of_the_buffer_period()
    {
        var (a, b) = await BufferScenarioAsync();

        Assert.IsFalse(a.Active);
        Assert.AreEqual(T1, a.Deactivated);
        Assert.AreEqual(0, b.BufferedEvents, "an active webhook holds no buffer");
        Assert.AreEqual(new DeliveryOffset(5), b.Offset);
    }

    [TestMethod]
    public async Task Reactivating_with_replay_delivers_the_buffer_then_skips_what_came_after_it()
    {
        var (a, _) = await BufferScenarioAsync();

        var reactivation = await Store.WebHooks.ReactivateAsync(new Reactivate("acme", a.Id, Replay: true, T1.AddDays(7)));

        Assert.AreEqual((ReactivationOutcome.Activated, 3L, 0L), (reactivation.Outcome, reactivation.Replayed, reactivation.Discarded));
        var active = reactivation.WebHook!;
        Assert.IsTrue(active.Active);
        Assert.AreEqual(((DateTime?)null, 0, (DateTime?)null, (long?)null), (active.Deactivated, active.Failures, active.NextAttemptAt, active.BufferClosedAt));
        Assert.AreEqual("HTTP 500", active.LastError, "the last error stays visible");
        Assert.AreEqual(new DeliveryOffset(0, 3, 5), active.Offset);
        Assert.AreEqual(active, await FindAsync(a.Id));

        CollectionAssert.AreEqual(new long[] { 1, 2, 3 }, Sequences(await DeliverAllAsync(a.Id)), "the buffer, in order; 4 and 5 are skipped");
        Assert.AreEqual(new DeliveryOffset(5), (await FindAsync(a.Id)).Offset);
        await PublishAsync(T1.AddDays(8));
        CollectionAssert.AreEqual(new long[] { 6 }, Sequences(await DeliverAllAsync(a.Id)));
    }

    [TestMethod]
    public async Task Reactivating_without_replay_discards_the_buffer()
    {
        var (a, _) = await BufferScenarioAsync();

        var reactivation = await Store.WebHooks.ReactivateAsync(new Reactivate("acme", a.Id, Replay: false, T1.AddDays(7)));

        Assert.AreEqual((ReactivationOutcome.Activated, 0L, 3L), (reactivation.Outcome, reactivation.Replayed, reactivation.Discarded));
        Assert.AreEqual(new DeliveryOffset(5), reactivation.WebHook!.Offset);
        Assert.AreEqual(0, (await DeliverAllAsync(a.Id)).Count);
        await PublishAsync(T1.AddDays(8));
        CollectionAssert.AreEqual(new long[] { 6 }, Sequences(await DeliverAllAsync(a.Id)));
    }

    [TestMethod]
    public async Task Reactivating_within_the_buffer_period_replays_everything_since_the_deactivation()
    {
        await AddAccountAsync();
        var webHook = await CreateAsync();
        await PublishAsync(T0.AddMinutes(1));
        await DeactivateAsync(webHook.Id, T1);
        await PublishAsync(T1.AddHours(1));

        var reactivation = await Store.WebHooks.ReactivateAsync(new Reactivate("acme", webHook.Id, Replay: true, T1.AddHours(2)));

        Assert.AreEqual((2L, 0L), (reactivation.Replayed, reactivation.Discarded));
        CollectionAssert.AreEqual(new long[] { 1, 2 }, Sequences(await DeliverAllAsync(webHook.Id)));
    }

    [TestMethod]
    public async Task Activating_an_active_webhook_changes_nothing()
    {
        await AddAccountAsync();
        var webHook = await CreateAsync();
        await PublishAsync(T0.AddMinutes(1));

        var reactivation = await Store.WebHooks.ReactivateAsync(new Reactivate("acme", webHook.Id, Replay: true, T1));

        Assert.AreEqual((ReactivationOutcome.Activated, 0L, 0L), (reactivation.Outcome, reactivation.Replayed, reactivation.Discarded));
        Assert.AreEqual(await FindAsync(webHook.Id), reactivation.WebHook);
        Assert.AreEqual(new DeliveryOffset(0), reactivation.WebHook!.Offset);
        Assert.AreEqual(ReactivationOutcome.NotFound, (await Store.WebHooks.ReactivateAsync(new Reactivate("acme", 999_999, true, T1))).Outcome);
    }

    [TestMethod]
    public async Task A_link_reactivates_once()
    {
        await AddAccountAsync();
        var webHook = await CreateAsync();
        await PublishAsync(T0.AddMinutes(1));
        var notification = await DeactivateAsync(webHook.Id, T1);

        var viaLink = await Store.WebHooks.ReactivateAsync(new Reactivate("acme", webHook.Id, Replay: true, T1.AddHours(1), notification.Id));

        Assert.AreEqual((ReactivationOutcome.Activated, 1L), (viaLink.Outcome, viaLink.Replayed));
        Assert.AreEqual(T1.AddHours(1), (await Store.Notifications.FindAsync(notification.Id))!.Used, "the link is used up");

        await DeactivateAsync(webHook.Id, T1.AddHours(2));
        var again = await Store.WebHooks.ReactivateAsync(new Reactivate("acme", webHook.Id, Replay: true, T1.AddHours(3), notification.Id));
        Assert.AreEqual((ReactivationOutcome.LinkClosed, LinkState.Used), (again.Outcome, again.LinkState));
        Assert.IsFalse((await FindAsync(webHook.Id)).Active, "nothing changed");
    }

    [TestMethod]
    public async Task A_link_that_no_longer_applies_changes_nothing_and_says_why()
    {
        await AddAccountAsync("acme");
        await AddAccountAsync("beta");
        var webHook = await CreateAsync();
        var first = await DeactivateAsync(webHook.Id, T1);
        await Store.WebHooks.ReactivateAsync(new Reactivate("acme", webHook.Id, false, T1.AddHours(1)));

        var activeAgain = await Store.WebHooks.ReactivateAsync(new Reactivate("acme", webHook.Id, false, T1.AddHours(2), first.Id));
        Assert.AreEqual((ReactivationOutcome.LinkClosed, LinkState.ActiveAgain), (activeAgain.Outcome, activeAgain.LinkState));

        var second = await DeactivateAsync(webHook.Id, T1.AddHours(3));
        var superseded = await Store.WebHooks.ReactivateAsync(new Reactivate("acme", webHook.Id, false, T1.AddHours(4), first.Id));
        Assert.AreEqual((ReactivationOutcome.LinkClosed, LinkState.Superseded), (superseded.Outcome, superseded.LinkState));
        Assert.IsFalse((await FindAsync(webHook.Id)).Active);
        Assert.IsNull((await Store.Notifications.FindAsync(first.Id))!.Used);

        var otherAccount = await Store.WebHooks.ReactivateAsync(new Reactivate("beta", webHook.Id, false, T1.AddHours(4), second.Id));
        Assert.AreEqual(ReactivationOutcome.NotFound, otherAccount.Outcome, "another account's link does not exist");
        Assert.AreEqual(ReactivationOutcome.NotFound,
            (await Store.WebHooks.ReactivateAsync(new Reactivate("acme", webHook.Id, false, T1.AddHours(4), 999_999))).Outcome);
        Assert.IsNull((await Store.Notifications.FindAsync(second.Id))!.Used);

        Assert.IsTrue(await Store.WebHooks.DeleteAsync("acme", webHook.Id));
        var deleted = await Store.WebHooks.ReactivateAsync(new Reactivate("acme", webHook.Id, false, T1.AddHours(5), second.Id));
        Assert.AreEqual((ReactivationOutcome.LinkClosed, LinkState.Deleted), (deleted.Outcome, deleted.LinkState));
    }

    [TestMethod]
    public async Task The_current_link_works()
    {
        await AddAccountAsync();
        var webHook = await CreateAsync();
        await DeactivateAsync(webHook.Id, T1);
        await Store.WebHooks.ReactivateAsync(new Reactivate("acme", webHook.Id, false, T1.AddHours(1)));
        var current = await DeactivateAsync(webHook.Id, T1.AddHours(2));

        var reactivation = await Store.WebHooks.ReactivateAsync(new Reactivate("acme", webHook.Id, false, T1.AddHours(3), current.Id));

        Assert.AreEqual(ReactivationOutcome.Activated, reactivation.Outcome);
        Assert.IsTrue((await FindAsync(webHook.Id)).Active);
    }
}
