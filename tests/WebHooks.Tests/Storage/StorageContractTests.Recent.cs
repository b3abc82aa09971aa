using System.Text;
using WebHooks.Events;
using WebHooks.Storage;

namespace WebHooks.Tests.Storage;

// The ring of recent events per (account, event) behind GET /api/events/recent (spec 10).
public abstract partial class StorageContractTests
{
    [TestMethod]
    public async Task Recent_events_are_the_last_ones_published_newest_first_whether_or_not_a_webhook_listens()
    {
        await AddAccountAsync("acme");
        await AddAccountAsync("beta");
        var published = new List<Appended>();
        for (var i = 1; i <= RecentEvents.Kept + 3; i++) published.Add(await PublishAsync(T0.AddMinutes(i)));
        var optOut = await PublishAsync(T0.AddHours(1), eventName: OptOut);
        var beta = await PublishAsync(T0.AddHours(1), account: "beta");

        var recent = await Store.Events.RecentAsync("acme", OptIn, 100);

        CollectionAssert.AreEqual(published.Select(p => p.EventId).Reverse().Take(RecentEvents.Kept).ToArray(), recent.Select(e => e.EventId).ToArray(),
            "the ring holds the last ones, newest first");
        Assert.AreEqual(T0.AddMinutes(RecentEvents.Kept + 3), recent[0].Published);
        Assert.IsTrue(recent.All(e => e.Event == OptIn));
        CollectionAssert.AreEqual(published.Select(p => p.EventId).Reverse().Take(3).ToArray(),
            (await Store.Events.RecentAsync("acme", OptIn, 3)).Select(e => e.EventId).ToArray());
        Assert.AreEqual(optOut.EventId, (await Store.Events.RecentAsync("acme", OptOut, 100)).Single().EventId);
        Assert.AreEqual(beta.EventId, (await Store.Events.RecentAsync("beta", OptIn, 100)).Single().EventId);
        Assert.AreEqual(0, (await Store.Events.RecentAsync("beta", OptOut, 100)).Count);
        Assert.AreEqual(0, (await Store.Events.RecentAsync("nobody", OptIn, 100)).Count);
    }

    [TestMethod]
    public async Task Recent_events_of_publishes_made_at_once_are_the_last_ones_in_the_streams_order()
    {
        await AddAccountAsync("acme");
        await AddAccountAsync("beta");
        var optIn = await CreateAsync("acme");
        var beta = await CreateAsync("beta");

        // Enough at once that a storage which commits publishes in groups (PostgreSQL) puts more than a ring's worth of
        // one ring, and several rings, in one group.
        var publishes = Enumerable.Range(1, 6 * RecentEvents.Kept).Select(i => PublishAsync(T0.AddSeconds(i), account: i % 3 == 0 ? "beta" : "acme"));
        await Task.WhenAll(publishes);

        foreach (var (account, webHook) in new[] { ("acme", optIn), ("beta", beta) })
        {
            var stream = await Store.Events.ReadAsync(webHook.Id, 0, long.MaxValue, 1000);
            var recent = await Store.Events.RecentAsync(account, OptIn, 100);
            CollectionAssert.AreEqual(stream.Select(e => e.EventId).Reverse().Take(RecentEvents.Kept).ToArray(), recent.Select(e => e.EventId).ToArray(),
                $"{account}: the last ones of the stream, newest first");
        }
    }

    [TestMethod]
    public async Task Recent_events_keep_their_data_byte_for_byte()
    {
        await AddAccountAsync();
        string[] bodies =
        [
            "{ \"a\" :  [1.10, 1e2, 100000000000000000000001, -0.0] ,\n\t\"b\":null }",
            "{\"name\":\"Jürgen Müßig\",\"emoji\":\"🎉\",\"escaped\":\"\\u00fc \\\" \\\\ \\n\",\"dup\":1,\"dup\":2}",
        ];
        foreach (var body in bodies) await PublishAsync(T0, data: body);

        var recent = await Store.Events.RecentAsync("acme", OptIn, 10);

        for (var i = 0; i < bodies.Length; i++)
            CollectionAssert.AreEqual(Encoding.UTF8.GetBytes(bodies[i]), Encoding.UTF8.GetBytes(recent[bodies.Length - 1 - i].Data), $"body {i}");
    }

    [TestMethod]
    public async Task Recent_events_outlive_retention_and_a_restart_and_the_ring_goes_on_from_where_it_was()
    {
        await AddAccountAsync();
        var webHook = await CreateAsync();
        var published = new List<Appended>();
        for (var i = 1; i <= 3; i++) published.Add(await PublishAsync(T0.AddMinutes(i)));
        await DeliverAllAsync(webHook.Id);

        Assert.AreEqual(3, (await Store.Maintenance.PurgeAsync(new RetentionPolicy(T0.AddHours(1), Period, Retention, Window, AttemptRetention))).DeletedEvents);
        Assert.AreEqual(3, (await Store.Events.RecentAsync("acme", OptIn, 10)).Count, "retention deletes delivered events, not recent ones");

        Store = await ReopenAsync(Store);
        for (var i = 4; i <= RecentEvents.Kept + 2; i++) published.Add(await PublishAsync(T0.AddMinutes(i)));

        CollectionAssert.AreEqual(published.Select(p => p.EventId).Reverse().Take(RecentEvents.Kept).ToArray(),
            (await Store.Events.RecentAsync("acme", OptIn, 100)).Select(e => e.EventId).ToArray(), "after the restart, the oldest are overwritten");
    }

    /// <summary>
    /// Waves of publishes made at once, many more writes than the ring has slots (LiteDB writes one slot per ring and
    /// group commit), before and after a restart: the ring lists the last ones, newest first.
    /// </summary>
    [TestMethod]
    public async Task Recent_events_of_many_groups_of_publishes_are_the_last_ones_before_and_after_a_restart()
    {
        await AddAccountAsync();
        var webHook = await CreateAsync();
        async Task WavesAsync(int waves)
        {
            for (var wave = 0; wave < waves; wave++)
                await Task.WhenAll(Enumerable.Range(0, 1 + wave % 7).Select(_ => PublishAsync(T0.AddMinutes(wave))));
        }
        async Task AssertLastOnesAsync(string when)
        {
            var stream = await Store.Events.ReadAsync(webHook.Id, 0, long.MaxValue, 1_000);
            CollectionAssert.AreEqual(stream.Select(e => e.EventId).Reverse().Take(RecentEvents.Kept).ToArray(),
                (await Store.Events.RecentAsync("acme", OptIn, 100)).Select(e => e.EventId).ToArray(), when);
            CollectionAssert.AreEqual(stream.Select(e => e.EventId).Reverse().Take(4).ToArray(),
                (await Store.Events.RecentAsync("acme", OptIn, 4)).Select(e => e.EventId).ToArray(), when + ", at most 4");
        }

        await WavesAsync(3 * RecentEvents.Kept);
        await AssertLastOnesAsync("before the restart");
        Store = await ReopenAsync(Store);
        await AssertLastOnesAsync("after the restart");
        await WavesAsync(RecentEvents.Kept + 3);
        await AssertLastOnesAsync("after more publishes");
    }

    [TestMethod]
    public async Task Removing_an_account_removes_its_recent_events()
    {
        await AddAccountAsync("acme");
        await AddAccountAsync("beta");
        for (var i = 1; i <= 3; i++) await PublishAsync(T0.AddMinutes(i));
        await PublishAsync(T0, eventName: OptOut);
        var beta = await PublishAsync(T0, account: "beta");

        await Store.Accounts.RemoveAsync("acme");

        Assert.AreEqual(0, (await Store.Events.RecentAsync("acme", OptIn, 10)).Count);
        Assert.AreEqual(0, (await Store.Events.RecentAsync("acme", OptOut, 10)).Count);
        Assert.AreEqual(beta.EventId, (await Store.Events.RecentAsync("beta", OptIn, 10)).Single().EventId, "other accounts keep theirs");

        await AddAccountAsync("acme");
        var fresh = await PublishAsync(T0.AddHours(1));
        Assert.AreEqual(fresh.EventId, (await Store.Events.RecentAsync("acme", OptIn, 10)).Single().EventId, "an account of the same name starts afresh");
    }
}
