using WebHooks.Delivery;
using WebHooks.Storage;

namespace WebHooks.Tests.Storage;

public abstract partial class StorageContractTests
{
    private static RetentionPolicy PolicyAt(DateTime now) => new(now, Period, Retention, Window, AttemptRetention);

    [TestMethod]
    public async Task Retention_deletes_what_nobody_needs_and_drops_buffers_past_their_retention()
    {
        await AddAccountAsync();
        var a = await CreateAsync();
        var b = await CreateAsync();
        for (var i = 1; i <= 5; i++) await PublishAsync(T0.AddMinutes(i));
        await DeliverAllAsync(a.Id);
        var lane = await ClaimAsync(b.Id);
        await Store.Lanes.ReleaseAsync(lane, lane.WebHook.Progress with { Offset = new DeliveryOffset(2) });
        await DeactivateAsync(b.Id, T1);

        var early = await Store.Maintenance.PurgeAsync(PolicyAt(T1.AddDays(1)));
        Assert.AreEqual(new RetentionResult(0, 0, 2, 0, 0), early, "1 and 2 were delivered by both");
        CollectionAssert.AreEqual(new long[] { 3, 4, 5 }, Sequences(await Store.Events.ReadAsync(b.Id, 0, long.MaxValue, 10)), "B's buffer is kept");

        var expired = await Store.Maintenance.PurgeAsync(PolicyAt(T1 + Retention));
        Assert.AreEqual(new RetentionResult(1, 3, 3, 0, 0), expired);
        var dropped = await FindAsync(b.Id);
        Assert.AreEqual((0L, 5L, false), (dropped.BufferedEvents, dropped.Offset.Delivered, dropped.Active));
        Assert.AreEqual(0, (await Store.Events.ReadAsync(a.Id, 0, long.MaxValue, 10)).Count);

        Assert.AreEqual(new RetentionResult(0, 0, 0, 0, 0), await Store.Maintenance.PurgeAsync(PolicyAt(T1 + Retention)), "nothing left to do");
        var reactivation = await Store.WebHooks.ReactivateAsync(new Reactivate("acme", b.Id, Replay: true, T1 + Retention));
        Assert.AreEqual((0L, 0L), (reactivation.Replayed, reactivation.Discarded));
    }

    /// <summary>
    /// Events published together may be stored together (LiteDB: one document per stream and group commit): retention
    /// may keep some that nobody needs with them, but never deletes one that is still needed.
    /// </summary>
    [TestMethod]
    public async Task Retention_never_deletes_a_needed_event_stored_with_unneeded_ones()
    {
        await AddAccountAsync();
        var a = await CreateAsync();
        await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => PublishAsync(T0.AddMinutes(1))));
        var lane = await ClaimAsync(a.Id);
        await Store.Lanes.ReleaseAsync(lane, lane.WebHook.Progress with { Offset = new DeliveryOffset(37) });

        var result = await Store.Maintenance.PurgeAsync(PolicyAt(T1.AddDays(1)));

        Assert.IsTrue(result.DeletedEvents is >= 0 and <= 37, $"{result.DeletedEvents} deleted; 38 and after are needed");
        Store = await ReopenAsync(Store);
        CollectionAssert.AreEqual(Enumerable.Range(38, 63).Select(n => (long)n).ToArray(), Sequences(await DeliverAllAsync(a.Id)));
    }

    [TestMethod]
    public async Task Retention_keeps_a_replay_and_deletes_the_gap_it_skips()
    {
        var (a, _) = await BufferScenarioAsync();
        await Store.WebHooks.ReactivateAsync(new Reactivate("acme", a.Id, Replay: true, T1.AddDays(7)));

        var result = await Store.Maintenance.PurgeAsync(PolicyAt(T1.AddDays(7)));

        Assert.AreEqual(2, result.DeletedEvents, "4 and 5: B has them, A skips them");
        CollectionAssert.AreEqual(new long[] { 1, 2, 3 }, Sequences(await DeliverAllAsync(a.Id)));
        Assert.AreEqual(3, (await Store.Maintenance.PurgeAsync(PolicyAt(T1.AddDays(7)))).DeletedEvents);
    }

    [TestMethod]
    public async Task Retention_keeps_a_closed_buffer_and_deletes_what_came_after_it()
    {
        var (a, b) = await BufferScenarioAsync();

        var result = await Store.Maintenance.PurgeAsync(PolicyAt(T1.AddDays(7)));

        Assert.AreEqual(new RetentionResult(0, 0, 2, 0, 0), result);
        CollectionAssert.AreEqual(new long[] { 1, 2, 3 }, Sequences(await Store.Events.ReadAsync(a.Id, 0, long.MaxValue, 10)));
        Assert.AreEqual(3, (await FindAsync(a.Id)).BufferedEvents);
    }

    [TestMethod]
    public async Task Retention_empties_a_stream_without_webhooks_and_its_sequence_goes_on()
    {
        await AddAccountAsync();
        var webHook = await CreateAsync();
        for (var i = 1; i <= 3; i++) await PublishAsync(T0.AddMinutes(i));
        Assert.IsTrue(await Store.WebHooks.DeleteAsync("acme", webHook.Id));

        Assert.AreEqual(3, (await Store.Maintenance.PurgeAsync(PolicyAt(T1))).DeletedEvents);
        Assert.AreEqual(3, (await Store.Events.RecentAsync("acme", OptIn, 10)).Count, "the ring of recent events is not the stream's");

        var next = await CreateAsync();
        Assert.AreEqual((3L, 3L), (next.Head, next.Offset.Delivered), "sequences never go back");
        Assert.AreEqual(0, (await Store.Events.ReadAsync(next.Id, 0, long.MaxValue, 10)).Count, "the stream is empty");
        await PublishAsync(T1.AddMinutes(1));
        CollectionAssert.AreEqual(new long[] { 4 }, Sequences(await DeliverAllAsync(next.Id)));
    }

    [TestMethod]
    public async Task Retention_forgets_old_idempotency_keys_and_attempts()
    {
        await AddAccountAsync();
        var webHook = await CreateAsync();
        await PublishAsync(T0, key: "old");
        await PublishAsync(T0.AddDays(7), key: "fresh");
        await Store.Attempts.AddAsync([
            new DeliveryAttempt(webHook.Id, "evt_1", OptIn, 1, T0, 500, 12, false, "HTTP 500"),
            new DeliveryAttempt(webHook.Id, "evt_2", OptIn, 1, T0.AddDays(6), 200, 8, true, ""),
        ]);

        var result = await Store.Maintenance.PurgeAsync(PolicyAt(T0.AddDays(7).AddMinutes(1)));

        Assert.AreEqual((1, 1L), (result.DeletedIdempotencyRecords, result.DeletedAttempts));
        Assert.AreEqual("evt_2", (await Store.Attempts.ListAsync("acme", webHook.Id, 10)).Single().EventId);
        Assert.IsTrue((await PublishAsync(T0.AddDays(7).AddMinutes(2), key: "fresh")).Repeated, "a key within its window stays");
    }

    [TestMethod]
    public async Task Attempts_are_listed_newest_first_for_their_owner()
    {
        await AddAccountAsync("acme");
        await AddAccountAsync("beta");
        var webHook = await CreateAsync("acme");
        var other = await CreateAsync("beta");
        DeliveryAttempt[] attempts =
        [
            new(webHook.Id, "evt_1", OptIn, 1, T0.AddSeconds(1), 0, 10_000, false, "timeout"),
            new(webHook.Id, "evt_1", OptIn, 2, T0.AddSeconds(3), 200, 15, true, ""),
            new(webHook.Id, "evt_0", OptIn, 1, T0.AddSeconds(2), 503, 7, false, "HTTP 503"),
            new(other.Id, "evt_9", OptIn, 1, T0.AddSeconds(4), 200, 5, true, ""),
        ];
        await Store.Attempts.AddAsync(attempts);
        await Store.Attempts.AddAsync([]);

        CollectionAssert.AreEqual(new[] { attempts[1], attempts[2], attempts[0] }, (await Store.Attempts.ListAsync("acme", webHook.Id, 10)).ToArray());
        CollectionAssert.AreEqual(new[] { attempts[1], attempts[2] }, (await Store.Attempts.ListAsync("acme", webHook.Id, 2)).ToArray());
        Assert.AreEqual(0, (await Store.Attempts.ListAsync("beta", webHook.Id, 10)).Count, "not beta's webhook");
        Assert.AreEqual(attempts[3], (await Store.Attempts.ListAsync("beta", other.Id, 10)).Single());
    }
}
