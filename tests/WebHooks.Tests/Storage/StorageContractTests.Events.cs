using System.Text;
using WebHooks.Storage;

namespace WebHooks.Tests.Storage;

public abstract partial class StorageContractTests
{
    [TestMethod]
    public async Task An_event_is_stored_once_per_stream_with_contiguous_sequences()
    {
        await AddAccountAsync();
        var a = await CreateAsync();
        var b = await CreateAsync();
        var other = await CreateAsync(eventName: OptOut);

        var appended = new List<Appended>();
        for (var i = 1; i <= 5; i++) appended.Add(await PublishAsync(T0.AddMinutes(i)));
        var otherAppended = await PublishAsync(T0.AddMinutes(9), eventName: OptOut);

        foreach (var reply in appended)
        {
            Assert.AreEqual(2, reply.WebHooks);
            CollectionAssert.AreEqual(new[] { a.Id, b.Id }, reply.Queued.ToArray());
            Assert.AreEqual(0, reply.Dropped.Count);
            Assert.IsFalse(reply.Repeated);
        }
        var stored = await Store.Events.ReadAsync(a.Id, 0, long.MaxValue, 100);
        CollectionAssert.AreEqual(new long[] { 1, 2, 3, 4, 5 }, Sequences(stored));
        CollectionAssert.AreEqual(appended.Select(r => r.EventId).ToArray(), stored.Select(e => e.EventId).ToArray());
        Assert.IsTrue(stored.All(e => e.Event == OptIn));
        CollectionAssert.AreEqual(Sequences(stored), Sequences(await Store.Events.ReadAsync(b.Id, 0, long.MaxValue, 100)), "one log, read by both");

        var otherStored = await Store.Events.ReadAsync(other.Id, 0, long.MaxValue, 100);
        Assert.AreEqual((1L, otherAppended.EventId, OptOut), (otherStored.Single().Sequence, otherStored.Single().EventId, otherStored.Single().Event));
        Assert.AreEqual(5, (await FindAsync(a.Id)).Head);
        Assert.AreEqual(1, (await FindAsync(other.Id)).Head);
    }

    [TestMethod]
    public async Task Concurrent_publishes_on_several_streams_get_contiguous_sequences_each()
    {
        await AddAccountAsync();
        await AddAccountAsync("beta");
        var acme = await CreateAsync();
        var acmeOut = await CreateAsync(eventName: OptOut);
        var beta = await CreateAsync("beta");

        // Concurrent publishes may be stored together (group commit); each stream still counts 1, 2, 3, ... in the order stored.
        var replies = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => (i % 3) switch
        {
            0 => PublishAsync(T0.AddSeconds(i)),
            1 => PublishAsync(T0.AddSeconds(i), eventName: OptOut),
            _ => PublishAsync(T0.AddSeconds(i), account: "beta"),
        }));

        foreach (var (webHook, index) in new[] { (acme, 0), (acmeOut, 1), (beta, 2) })
        {
            var stored = await Store.Events.ReadAsync(webHook.Id, 0, long.MaxValue, 100);
            CollectionAssert.AreEqual(Enumerable.Range(1, 20).Select(n => (long)n).ToArray(), Sequences(stored));
            var mine = replies.Where((_, i) => i % 3 == index).ToList();
            CollectionAssert.AreEquivalent(mine.Select(r => r.EventId).ToArray(), stored.Select(e => e.EventId).ToArray());
            Assert.IsTrue(mine.All(r => r.WebHooks == 1 && r.Queued.SequenceEqual([webHook.Id])), "each reply names its own stream's webhook");
        }
    }

    /// <summary>
    /// Publishes that come together may be stored together (LiteDB: one document per stream and group commit). A read
    /// that starts or stops inside such a group, after a reopen (nothing held in memory), returns just what it asks for.
    /// </summary>
    [TestMethod]
    public async Task Events_stored_together_are_read_from_any_point_after_a_reopen()
    {
        await AddAccountAsync();
        var webHook = await CreateAsync();
        var published = new Dictionary<string, NewEvent>();
        for (var wave = 0; wave < 3; wave++)
        {
            var events = Enumerable.Range(0, 100).Select(_ => Event(T0.AddMinutes(wave))).ToList();
            foreach (var e in events) published[e.EventId] = e;
            await Task.WhenAll(events.Select(e => Store.Events.AppendAsync(e)));
        }
        Store = await ReopenAsync(Store);

        var all = await Store.Events.ReadAsync(webHook.Id, 0, long.MaxValue, 1_000);
        CollectionAssert.AreEqual(Enumerable.Range(1, 300).Select(n => (long)n).ToArray(), Sequences(all));
        CollectionAssert.AreEquivalent(published.Keys.ToArray(), all.Select(e => e.EventId).ToArray());
        foreach (var e in all)
            Assert.AreEqual((published[e.EventId].Data, OptIn, true), (e.Data, e.Event, e.Published >= published[e.EventId].Now), $"event {e.Sequence}");
        Assert.AreEqual(300, (await FindAsync(webHook.Id)).Head);

        foreach (var after in new long[] { 0, 1, 2, 37, 63, 64, 65, 150, 298, 299, 300 })
        foreach (var upTo in new[] { after + 3, 300, long.MaxValue })
        foreach (var max in new[] { 1, 5, 64 })
        {
            var expected = all.Where(e => e.Sequence > after && e.Sequence <= upTo).Take(max).Select(e => e.EventId).ToArray();
            var read = await Store.Events.ReadAsync(webHook.Id, after, upTo, max);
            CollectionAssert.AreEqual(expected, read.Select(e => e.EventId).ToArray(), $"after {after}, up to {upTo}, at most {max}");
        }
    }

    [TestMethod]
    public async Task An_event_that_no_webhook_keeps_is_not_stored_in_a_stream_but_is_among_the_recent_ones()
    {
        await AddAccountAsync();
        await CreateAsync(eventName: OptOut);

        var reply = await PublishAsync(T0);

        Assert.AreEqual(0, reply.WebHooks);
        Assert.AreEqual(0, reply.Queued.Count);
        Assert.AreEqual(reply.EventId, (await Store.Events.RecentAsync("acme", OptIn, 10)).Single().EventId);
        var created = await CreateAsync();
        Assert.AreEqual(0, created.Head, "nothing was appended");
    }

    [TestMethod]
    public async Task Idempotency_keys_are_exact_per_account_and_last_their_window()
    {
        await AddAccountAsync("acme");
        await AddAccountAsync("beta");
        await CreateAsync("acme");
        await CreateAsync("beta");

        var first = await PublishAsync(T0, key: "order-1");
        var repeat = await PublishAsync(T0.AddHours(23), key: "order-1");

        Assert.IsTrue(repeat.Repeated);
        Assert.AreEqual((first.EventId, first.WebHooks), (repeat.EventId, repeat.WebHooks));
        Assert.AreEqual(0, repeat.Queued.Count, "nothing to wake: nothing was stored");
        Assert.AreEqual(1, (await Store.Events.RecentAsync("acme", OptIn, 10)).Count);

        Assert.IsFalse((await PublishAsync(T0.AddHours(1), key: "ORDER-1")).Repeated, "keys are case-sensitive");
        Assert.IsFalse((await PublishAsync(T0.AddHours(1), account: "beta", key: "order-1")).Repeated, "keys are per account");
        var later = await PublishAsync(T0 + Window, key: "order-1");
        Assert.IsFalse(later.Repeated, "the window is over");
        Assert.AreNotEqual(first.EventId, later.EventId);
        Assert.AreEqual(later.EventId, (await PublishAsync(T0 + Window + TimeSpan.FromHours(1), key: "order-1")).EventId, "the new publish holds the key now");
        Assert.AreEqual(3, (await Store.Events.RecentAsync("acme", OptIn, 10)).Count);
    }

    [TestMethod]
    public async Task Concurrent_publishes_with_one_key_store_one_event()
    {
        await AddAccountAsync();
        await CreateAsync();

        var replies = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PublishAsync(T0, key: "same")));

        Assert.AreEqual(1, replies.Count(r => !r.Repeated));
        Assert.AreEqual(1, replies.Select(r => r.EventId).Distinct().Count());
        Assert.AreEqual(1, (await Store.Events.RecentAsync("acme", OptIn, 10)).Count);
    }

    [TestMethod]
    public async Task Publish_times_never_go_back_within_a_stream()
    {
        await AddAccountAsync();
        var webHook = await CreateAsync();

        await PublishAsync(T0.AddMinutes(10));
        await PublishAsync(T0.AddMinutes(5)); // another instance's clock is behind
        await PublishAsync(T0.AddMinutes(12));

        var published = (await Store.Events.ReadAsync(webHook.Id, 0, long.MaxValue, 10)).Select(e => e.Published).ToArray();
        CollectionAssert.AreEqual(new[] { T0.AddMinutes(10), T0.AddMinutes(10), T0.AddMinutes(12) }, published);
        Assert.IsTrue(published.All(p => p.Kind == DateTimeKind.Utc));
    }

    [TestMethod]
    public async Task Data_is_kept_byte_for_byte()
    {
        await AddAccountAsync();
        var webHook = await CreateAsync();
        string[] bodies =
        [
            "{\"z\":1,\"a\":2}",
            "{ \"a\" :  [1.10, 1e2, 100000000000000000000001, -0.0] ,\n\t\"b\":null }",
            "{\"name\":\"Jürgen Müßig\",\"city\":\"Zürich\",\"emoji\":\"🎉\",\"cjk\":\"漢字\"}",
            "{\"escaped\":\"\\u00fc \\\" \\\\ \\n\",\"dup\":1,\"dup\":2}",
            "{\"a\":\"" + new string('x', 100_000) + "\"}",
        ];
        foreach (var body in bodies) await PublishAsync(T0, data: body);

        var stored = await Store.Events.ReadAsync(webHook.Id, 0, long.MaxValue, 10);

        Assert.AreEqual(bodies.Length, stored.Count);
        for (var i = 0; i < bodies.Length; i++)
            CollectionAssert.AreEqual(Encoding.UTF8.GetBytes(bodies[i]), Encoding.UTF8.GetBytes(stored[i].Data), $"body {i}");
    }

    [TestMethod]
    public async Task Reads_made_at_once_each_get_their_own_range_of_their_own_stream()
    {
        await AddAccountAsync();
        await AddAccountAsync("beta");
        var optIn = await CreateAsync();
        var optOut = await CreateAsync(eventName: OptOut);
        var beta = await CreateAsync("beta");
        for (var i = 1; i <= 6; i++)
        {
            await PublishAsync(T0.AddSeconds(i));
            if (i <= 4) await PublishAsync(T0.AddSeconds(i), eventName: OptOut);
            if (i <= 2) await PublishAsync(T0.AddSeconds(i), "beta");
        }

        // Enough reads at once that a storage which batches them (PostgreSQL) answers several with one statement.
        var reads = Enumerable.Range(0, 60).Select(i => (i % 4) switch
        {
            0 => (Id: optIn.Id, After: (long)(i % 6), UpTo: 5L, Max: 100, Event: OptIn),
            1 => (Id: optOut.Id, After: 0L, UpTo: long.MaxValue, Max: 1 + i % 3, Event: OptOut),
            2 => (Id: beta.Id, After: 1L, UpTo: long.MaxValue, Max: 100, Event: OptIn),
            _ => (Id: 999_999, After: 0L, UpTo: long.MaxValue, Max: 100, Event: OptIn),
        }).ToList();
        var answers = await Task.WhenAll(reads.Select(r => Store.Events.ReadAsync(r.Id, r.After, r.UpTo, r.Max)));

        for (var i = 0; i < reads.Count; i++)
        {
            var r = reads[i];
            var expected = r.Id == 999_999 ? [] : Enumerable.Range(1, 6).Select(n => (long)n)
                .Where(n => n > r.After && n <= r.UpTo && n <= (r.Id == optOut.Id ? 4 : r.Id == beta.Id ? 2 : 6)).Take(r.Max).ToArray();
            CollectionAssert.AreEqual(expected, Sequences(answers[i]), $"read {i} of webhook {r.Id} after {r.After} up to {r.UpTo}, max {r.Max}");
            Assert.IsTrue(answers[i].All(e => e.Event == r.Event), $"read {i}: events of its own stream");
        }
    }

    [TestMethod]
    public async Task Reads_honour_their_range_and_limit()
    {
        await AddAccountAsync();
        var webHook = await CreateAsync();
        for (var i = 1; i <= 10; i++) await PublishAsync(T0.AddSeconds(i));

        CollectionAssert.AreEqual(new long[] { 4, 5, 6 }, Sequences(await Store.Events.ReadAsync(webHook.Id, 3, 6, 100)));
        CollectionAssert.AreEqual(new long[] { 4, 5 }, Sequences(await Store.Events.ReadAsync(webHook.Id, 3, 6, 2)));
        CollectionAssert.AreEqual(new long[] { 10 }, Sequences(await Store.Events.ReadAsync(webHook.Id, 9, long.MaxValue, 100)));
        Assert.AreEqual(0, (await Store.Events.ReadAsync(webHook.Id, 10, long.MaxValue, 100)).Count);
        Assert.AreEqual(0, (await Store.Events.ReadAsync(webHook.Id, 6, 3, 100)).Count);
        Assert.AreEqual(0, (await Store.Events.ReadAsync(999_999, 0, long.MaxValue, 100)).Count, "no such webhook");

        var recent = await Store.Events.RecentAsync("acme", OptIn, 3);
        CollectionAssert.AreEqual(new long[] { 10, 9, 8 }, Sequences(recent), "newest first");
        Assert.AreEqual(T0.AddSeconds(10), recent[0].Published);
        Assert.AreEqual(0, (await Store.Events.RecentAsync("beta", OptIn, 3)).Count);
    }
}
