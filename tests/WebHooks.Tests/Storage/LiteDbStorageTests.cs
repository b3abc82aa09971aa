using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using WebHooks.Delivery;
using WebHooks.Lifecycle;
using WebHooks.Storage;
using WebHooks.Storage.LiteDb;

namespace WebHooks.Tests.Storage;

/// <summary>What only the embedded store does: one process per file, reopening, surviving a bad write, upgrading old files.</summary>
[TestClass]
[TestCategory("Storage")]
public sealed class LiteDbStorageTests
{
    private static readonly DateTime T0 = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
    private string _directory = null!;
    private string DatabasePath => Path.Combine(_directory, "webhooks.db");

    [TestInitialize]
    public void Folder() => _directory = Directory.CreateTempSubdirectory("webhooks-litedb-").FullName;

    [TestCleanup]
    public void Clean() => Directory.Delete(_directory, recursive: true);

    private LiteDbStorage Open(string? path = null) =>
        LiteDbStorage.Open(new LiteDbStorageOptions { Path = path ?? DatabasePath }, NullLogger.Instance);

    /// <summary>Queues the writes while the writer thread is held, so that they go in one group commit, in their order.</summary>
    private static async Task InOneGroupCommitAsync(LiteDbStorage storage, Func<IEnumerable<Task>> queue)
    {
        using var gate = new ManualResetEventSlim();
        var held = storage.Database.WriteAsync(_ => gate.Wait(TimeSpan.FromSeconds(20)));
        var queued = queue().ToList();
        gate.Set();
        Assert.IsTrue(await held, "the writer was held while the writes were queued");
        await Task.WhenAll(queued);
    }

    [TestMethod]
    public async Task Webhooks_offsets_and_heads_survive_a_reopen_and_ids_are_never_used_twice()
    {
        int last;
        await using (var storage = Open())
        {
            var ids = new List<int>();
            for (var i = 0; i < 3; i++)
                ids.Add((await storage.WebHooks.CreateAsync(new NewWebHook("acme", "app", "optin_finalized", $"http://127.0.0.1/{i}", "whsec_AAAA", T0), 100))!.Id);
            await storage.Events.AppendAsync(new NewEvent("acme", "optin_finalized", "evt_1", "{\"n\":1}", null, T0, TimeSpan.FromDays(5), TimeSpan.FromDays(1)));
            foreach (var id in ids[1..]) Assert.IsTrue(await storage.WebHooks.DeleteAsync("acme", id));
            last = ids[^1];
        }

        await using (var storage = Open())
        {
            var kept = (await storage.WebHooks.ListAsync("acme")).Single();
            Assert.AreEqual(1, kept.Head, "the stream's head survives");
            Assert.AreEqual(0, kept.Offset.Delivered);
            var created = await storage.WebHooks.CreateAsync(new NewWebHook("acme", "app", "optin_finalized", "http://127.0.0.1/new", "whsec_AAAA", T0), 100);
            Assert.AreEqual(last + 1, created!.Id, "the highest id was deleted, and is still not used again");
            Assert.AreEqual(1, created.Offset.Delivered, "a new webhook starts at the end of its stream");
        }
    }

    [TestMethod]
    public async Task A_second_process_on_the_same_file_is_refused()
    {
        await using var storage = Open();
        var refused = Assert.ThrowsExactly<DatabaseInUseException>(() => Open());
        StringAssert.Contains(refused.Message, "in use by another process");
    }

    [TestMethod]
    public async Task One_failing_write_does_not_take_the_others_of_its_group_down()
    {
        using var db = new Database(DatabasePath, NullLogger.Instance);
        var writes = Enumerable.Range(0, 50).Select(i => i == 25
            ? db.WriteAsync<bool>(_ => throw new InvalidOperationException("boom"))
            : db.WriteAsync(c => { c.SetSetting($"k{i}", "v"); return true; })).ToArray();

        await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => writes[25]);
        foreach (var write in writes.Where((_, i) => i != 25)) Assert.IsTrue(await write);
        Assert.AreEqual(49, db.Read.Settings.Count(s => s.Name.StartsWith("k")));
    }

    /// <summary>
    /// A checkpoint (the log copied into the data file) makes every write wait, for a time in proportion to the log: the
    /// writer folds the log in while it is small, when nothing waits, rather than at LiteDB's 1,000 pages (8 MB).
    /// </summary>
    [TestMethod]
    public async Task The_log_is_folded_into_the_data_file_while_it_is_small_and_nothing_is_lost()
    {
        var value = new string('x', 3_000);
        long largest = 0, written = 0;
        using (var db = new Database(DatabasePath, NullLogger.Instance))
        {
            for (var i = 0; i < 600; i++)
            {
                var before = db.LogLength;
                await db.WriteAsync(c => { c.SetSetting($"k{i}", value); return true; });
                var after = db.LogLength;
                written += Math.Max(0, after - before);
                largest = Math.Max(largest, after);
            }
        }

        Assert.IsGreaterThan(1_000L * 8192, written, "the writes put more than 1,000 pages (LiteDB's own threshold) through the log");
        Assert.IsLessThan(120L * 8192, largest, $"the log reached {largest / 8192} pages");
        using var reopened = new Database(DatabasePath, NullLogger.Instance);
        Assert.AreEqual(600, reopened.Read.Settings.Count(s => s.Name.StartsWith("k") && s.Value == value));
    }

    /// <summary>A clean stop leaves the data file whole, with no log beside it: it can be copied alone, or opened by the last release.</summary>
    [TestMethod]
    public async Task A_clean_stop_folds_the_log_into_the_data_file_and_leaves_no_log_behind()
    {
        using (var db = new Database(DatabasePath, NullLogger.Instance))
        {
            await db.WriteAsync(c => { c.SetSetting("kept", "yes"); return true; });
            Assert.IsTrue(File.Exists(Database.LogPath(DatabasePath)), "the write went through the log");
        }

        Assert.IsFalse(File.Exists(Database.LogPath(DatabasePath)));
        using var reopened = new Database(DatabasePath, NullLogger.Instance);
        Assert.AreEqual(1, reopened.Read.Settings.Count(s => s.Name == "kept" && s.Value == "yes"));
    }

    /// <summary>
    /// Each document costs the writer an insert into LiteDB's skip-list index: the events of a stream that one group
    /// commit stores go into one document, keyed by the last one's sequence (a document of the last release holds one
    /// event, keyed by its own: a block of one).
    /// </summary>
    [TestMethod]
    public async Task Events_published_together_are_stored_as_one_document_per_stream_and_group_commit()
    {
        await using (var storage = Open())
        {
            await storage.WebHooks.CreateAsync(new NewWebHook("acme", "app", "optin_finalized", "http://127.0.0.1/", "whsec_AAAA", T0), 100);
            await storage.WebHooks.CreateAsync(new NewWebHook("acme", "app", "optout_finalized", "http://127.0.0.1/", "whsec_AAAA", T0), 100);
            NewEvent Event(string type, int n) => new("acme", type, $"evt_{type}_{n}", $"{{\"n\":{n}}}", null, T0, TimeSpan.FromDays(5), TimeSpan.FromDays(1));
            await storage.Events.AppendAsync(Event("optin_finalized", 0));
            await Task.WhenAll(Enumerable.Range(1, 200).Select(n => storage.Events.AppendAsync(Event(n % 2 == 0 ? "optin_finalized" : "optout_finalized", n))));
        }

        using var db = new Database(DatabasePath, NullLogger.Instance);
        var blocks = db.Read.Events.FindAll().OrderBy(b => b.Key).ToList();
        foreach (var stream in blocks.GroupBy(b => EventKey.OwnerOf(b.Key)))
        {
            var expectedFirst = 1L;
            foreach (var block in stream)
            {
                Assert.AreEqual(expectedFirst, block.First, "a stream's blocks follow each other without a gap or an overlap");
                expectedFirst = block.Last + 1;
            }
        }
        Assert.AreEqual(201, blocks.Sum(b => b.Count));
        Assert.AreEqual(1, blocks[0].Count, "the event published alone");
        Assert.IsLessThan(100, blocks.Count, $"{blocks.Count} documents for 201 events");
    }

    /// <summary>
    /// A ring of recent events of the last release holds one event per slot, in slot number modulo 10; this release writes
    /// the events of one group commit to one slot, the one after the newest's. Such a ring is listed as it was and goes on.
    /// </summary>
    [TestMethod]
    public async Task A_ring_of_recent_events_of_the_last_release_is_listed_and_goes_on_from_its_newest_slot()
    {
        using (var db = new Database(DatabasePath, NullLogger.Instance))
        {
            await db.WriteAsync(c =>
            {
                for (var seq = 1; seq <= 13; seq++)
                {
                    c.Database.GetCollection("recent_events").Upsert(new LiteDB.BsonDocument
                    {
                        ["_id"] = $"acme\noptin_finalized\n{seq % 10:D2}", ["Seq"] = (long)seq, ["EventId"] = $"evt_old{seq}",
                        ["Published"] = T0.AddMinutes(seq), ["Data"] = $"{{\"n\":{seq}}}",
                    });
                }
                return true;
            });
        }

        await using (var storage = Open())
        {
            CollectionAssert.AreEqual(Enumerable.Range(4, 10).Reverse().Select(n => $"evt_old{n}").ToArray(),
                (await storage.Events.RecentAsync("acme", "optin_finalized", 100)).Select(e => e.EventId).ToArray());
            Assert.AreEqual("{\"n\":13}", (await storage.Events.RecentAsync("acme", "optin_finalized", 1)).Single().Data);

            await InOneGroupCommitAsync(storage, () => Enumerable.Range(1, 3).Select(n => storage.Events.AppendAsync(
                new NewEvent("acme", "optin_finalized", $"evt_new{n}", "{}", null, T0.AddHours(1), TimeSpan.FromDays(5), TimeSpan.FromDays(1)))));

            CollectionAssert.AreEqual(new[] { "evt_new3", "evt_new2", "evt_new1" }.Concat(Enumerable.Range(7, 7).Reverse().Select(n => $"evt_old{n}")).ToArray(),
                (await storage.Events.RecentAsync("acme", "optin_finalized", 100)).Select(e => e.EventId).ToArray(),
                "the three took the slot after the newest's (that of 4), one write");
        }

        using var reopened = new Database(DatabasePath, NullLogger.Instance);
        var slots = reopened.Read.RecentEvents.FindAll().ToList();
        Assert.AreEqual(10, slots.Count, "a ring never has more than its 10 slots");
        var newest = slots.Single(d => d.Seq == 16);
        Assert.AreEqual(("acme\noptin_finalized\n04", 2), (newest.Id, newest.Earlier!.Count));
    }

    /// <summary>A publish and the removal of its account in one group commit: the ring goes with the account.</summary>
    [TestMethod]
    public async Task An_account_removed_in_the_group_commit_of_a_publish_keeps_no_recent_events()
    {
        await using var storage = Open();
        Assert.IsTrue(await storage.Accounts.AddAsync(new Account("acme", "hash", null, T0)));
        await InOneGroupCommitAsync(storage, () =>
        [
            storage.Events.AppendAsync(new NewEvent("acme", "optin_finalized", "evt_1", "{}", null, T0, TimeSpan.FromDays(5), TimeSpan.FromDays(1))),
            storage.Accounts.RemoveAsync("acme"),
        ]);

        Assert.AreEqual(0, (await storage.Events.RecentAsync("acme", "optin_finalized", 10)).Count);
        Assert.AreEqual(0, storage.Database.Read.RecentEvents.Count());
    }

    /// <summary>
    /// A file of schema 2 (one event per document) is read as it is: it is marked 3, and its id counters are kept. A file
    /// marked with a schema this version does not know is refused, and left as it was.
    /// </summary>
    [TestMethod]
    public async Task A_file_of_schema_2_is_marked_3_as_it_is_and_a_newer_one_is_refused()
    {
        await using (var storage = Open())
        {
            for (var i = 0; i < 3; i++)
                await storage.WebHooks.CreateAsync(new NewWebHook("acme", "app", "optin_finalized", $"http://127.0.0.1/{i}", "whsec_AAAA", T0), 100);
            Assert.IsTrue(await storage.WebHooks.DeleteAsync("acme", 3));
        }
        using (var db = new Database(DatabasePath, NullLogger.Instance))
            await db.WriteAsync(c => { c.SetSetting("schema-version", "2"); return true; });

        await using (var storage = Open())
            Assert.AreEqual(4, (await storage.WebHooks.CreateAsync(new NewWebHook("acme", "app", "optin_finalized", "http://127.0.0.1/4", "whsec_AAAA", T0), 100))!.Id,
                "id 3 was used, and is not used again");
        using (var db = new Database(DatabasePath, NullLogger.Instance))
        {
            Assert.AreEqual("3", db.Read.Setting("schema-version"));
            await db.WriteAsync(c => { c.SetSetting("schema-version", "4"); return true; });
        }

        var refused = Assert.ThrowsExactly<InvalidOperationException>(() => Open());
        StringAssert.Contains(refused.Message, "newer version (schema 4");
        using var untouched = new Database(DatabasePath, NullLogger.Instance);
        Assert.AreEqual(("4", 3), (untouched.Read.Setting("schema-version"), untouched.Read.WebHooks.Count()));
    }

    /// <summary>
    /// The attempt log stores what one write logs for a webhook as one document; the last release stored one document
    /// per attempt. Its attempts are listed with the new ones, numbering goes on after them, and retention cuts both.
    /// </summary>
    [TestMethod]
    public async Task Attempts_stored_one_per_document_by_the_last_release_are_listed_numbered_on_and_purged()
    {
        int webHookId;
        await using (var storage = Open())
            webHookId = (await storage.WebHooks.CreateAsync(new NewWebHook("acme", "app", "optin_finalized", "http://127.0.0.1/", "whsec_AAAA", T0), 100))!.Id;
        using (var db = new Database(DatabasePath, NullLogger.Instance))
        {
            await db.WriteAsync(c =>
            {
                var attempts = c.Database.GetCollection("attempts");
                for (var n = 1; n <= 2; n++)
                {
                    attempts.Insert(new LiteDB.BsonDocument
                    {
                        ["_id"] = EventKey.Of(webHookId, n), ["EventId"] = $"evt_old{n}", ["Event"] = "optin_finalized", ["Attempt"] = 1,
                        ["Created"] = T0.AddMinutes(n), ["Status"] = 200, ["DurationMs"] = 5, ["Succeeded"] = true, ["Error"] = "",
                    });
                }
                return true;
            });
        }

        await using (var storage = Open())
        {
            DeliveryAttempt New(int n) => new(webHookId, $"evt_new{n}", "optin_finalized", 1, T0.AddDays(1).AddMinutes(n), 200, 5, true, "");
            await storage.Attempts.AddAsync([New(1), New(2), New(3)]);
            CollectionAssert.AreEqual(
                new[] { "evt_new3", "evt_new2", "evt_new1", "evt_old2", "evt_old1" },
                (await storage.Attempts.ListAsync("acme", webHookId, 10)).Select(a => a.EventId).ToArray());

            var policy = new RetentionPolicy(T0.AddDays(1).AddMinutes(2).AddSeconds(30), TimeSpan.FromDays(5), TimeSpan.FromDays(30), TimeSpan.FromDays(1), TimeSpan.Zero);
            Assert.AreEqual(4, (await storage.Maintenance.PurgeAsync(policy)).DeletedAttempts, "the two old ones, and two of the new block's three");
            Assert.AreEqual("evt_new3", (await storage.Attempts.ListAsync("acme", webHookId, 10)).Single().EventId);
        }

        using var reopened = new Database(DatabasePath, NullLogger.Instance);
        var keys = reopened.Read.Attempts.FindAll().Select(d => (EventKey.SequenceOf(d.Key), d.Next?.Count ?? 0)).ToArray();
        CollectionAssert.AreEqual(new[] { (5L, 0) }, keys, "the new attempts were numbered 3-5, after the last release's two");
    }

    /// <summary>
    /// A block of attempts stores its attempts and nothing derived from its key: what a document holds beyond that is
    /// written and fsynced again with every attempt logged, and grows the file.
    /// </summary>
    [TestMethod]
    public async Task A_block_of_attempts_stores_its_attempts_fields_only()
    {
        await using (var storage = Open())
        {
            var webHookId = (await storage.WebHooks.CreateAsync(new NewWebHook("acme", "app", "optin_finalized", "http://127.0.0.1/", "whsec_AAAA", T0), 100))!.Id;
            await storage.Attempts.AddAsync([
                new(webHookId, "evt_1", "optin_finalized", 1, T0, 500, 5, false, "HTTP 500"),
                new(webHookId, "evt_1", "optin_finalized", 2, T0.AddSeconds(5), 200, 4, true, "")]);
        }

        using var db = new Database(DatabasePath, NullLogger.Instance);
        var stored = db.Read.Database.GetCollection("attempts").FindAll().Single();
        CollectionAssert.AreEquivalent(
            new[] { "_id", "EventId", "Event", "Attempt", "Created", "Status", "DurationMs", "Succeeded", "Error", "Next" },
            stored.Keys.ToArray());
        CollectionAssert.AreEquivalent(
            new[] { "EventId", "Attempt", "Created", "Status", "DurationMs", "Succeeded", "Error" },
            stored["Next"].AsArray.Single().AsDocument.Keys.ToArray());
    }

    /// <summary>
    /// A file written by the first release (tests/…/Fixtures/round1, made by fixturegen.cs.txt with that release's engine):
    /// its accounts, webhooks, buffers and offsets come through, names in one spelling, ids never used again.
    /// </summary>
    [TestMethod]
    public async Task A_file_of_the_first_release_opens_with_its_accounts_webhooks_buffers_and_offsets()
    {
        var fixture = Path.Combine(AppContext.BaseDirectory, "Storage", "Fixtures", "round1");
        File.Copy(Path.Combine(fixture, "webhooks.db"), DatabasePath);
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture, "expected.json")));
        var clock = expected.RootElement.GetProperty("clock").GetDateTime().ToUniversalTime();

        await using var storage = Open();
        CollectionAssert.AreEqual(new[] { "carol", "demo", "shop" }, (await storage.Accounts.ListAsync()).Select(a => a.Name).ToArray(),
            "Shop is stored as shop now");
        Assert.IsTrue(WebHooks.Accounts.PasswordHasher.Verify("shop-pw", (await storage.Accounts.FindAsync("shop"))!.PasswordHash));
        Assert.AreEqual("ops@shop.example", (await storage.Accounts.FindAsync("shop"))!.Email);

        foreach (var account in expected.RootElement.GetProperty("webHooks").EnumerateObject())
        {
            var stored = await storage.WebHooks.ListAsync(WebHooks.Accounts.AccountName.Normalize(account.Name));
            var wanted = account.Value.EnumerateArray().ToList();
            Assert.AreEqual(wanted.Count, stored.Count, account.Name);
            foreach (var (w, s) in wanted.Zip(stored))
            {
                var what = $"{account.Name}: webhook {s.Id}";
                Assert.AreEqual(w.GetProperty("Id").GetInt32(), s.Id, what);
                Assert.AreEqual(w.GetProperty("Url").GetString(), s.Url, what);
                Assert.AreEqual(w.GetProperty("Secret").GetString(), s.Secrets.Current, what);
                Assert.AreEqual(w.GetProperty("Active").GetBoolean(), s.Active, what);
                Assert.AreEqual(w.GetProperty("LastError").GetString(), s.LastError, what);
                Assert.AreEqual(w.GetProperty("BufferedEvents").GetInt32(), s.BufferedEvents, what + ": buffered events");
                Assert.AreEqual(w.GetProperty("Created").GetDateTime().ToUniversalTime(), s.Created, what);
            }
        }

        // demo's webhook 2: deactivated with 5 buffered (2 undelivered + 3 published after the deactivation); replayed in order.
        var two = (await storage.WebHooks.ReactivateAsync(new Reactivate("demo", 2, Replay: true, clock)));
        Assert.AreEqual((ReactivationOutcome.Activated, 5L), (two.Outcome, two.Replayed));
        CollectionAssert.AreEqual(EventIdsOf(expected, "demo", "optin_finalized", 4, 5, 6, 7, 8), await EventIdsAsync(storage, 2, two.WebHook!.Offset));

        // carol's webhook 7: in the middle of a replay (402-404 left), then 406; 405 came after the buffer period and is skipped.
        var seven = (await storage.WebHooks.FindAsync("carol", 7))!;
        CollectionAssert.AreEqual(EventIdsOf(expected, "carol", "optin_finalized", 402, 403, 404, 406), await EventIdsAsync(storage, 7, seven.Offset));

        // Shop's webhook 3: its buffer period is over; 2 kept, 2 dropped, and the count is arithmetic from the recorded end.
        var three = (await storage.WebHooks.FindAsync("shop", 3))!;
        Assert.AreEqual((2L, 2L), (three.BufferedEvents, three.DroppedEvents));

        // Idempotency keys are exact now, and the old record still answers within its window.
        var earlier = expected.RootElement.GetProperty("idempotency")[0].GetProperty("EventId").GetString();
        var repeat = await storage.Events.AppendAsync(new NewEvent("demo", "optin_finalized", "evt_new", "{}", "order-1", clock, TimeSpan.FromDays(5), TimeSpan.FromDays(30)));
        Assert.AreEqual((earlier, true), (repeat.EventId, repeat.Repeated));
        var other = await storage.Events.AppendAsync(new NewEvent("demo", "optin_finalized", "evt_other", "{}", "ORDER-1", clock, TimeSpan.FromDays(5), TimeSpan.FromDays(30)));
        Assert.IsFalse(other.Repeated, "ORDER-1 is another key");

        // Ids go on after the highest: webhook 5 was deleted, 8 is the last.
        var created = await storage.WebHooks.CreateAsync(new NewWebHook("demo", "app", "optin_finalized", "http://127.0.0.1/x", "whsec_AAAA", clock), 100);
        Assert.AreEqual(9, created!.Id);
    }

    private static string[] EventIdsOf(JsonDocument expected, string account, string eventName, params int[] numbers) =>
        [.. numbers.Select(n => expected.RootElement.GetProperty("published").EnumerateArray()
            .Single(p => p.GetProperty("account").GetString() == account && p.GetProperty("event").GetString() == eventName && p.GetProperty("n").GetInt32() == n)
            .GetProperty("eventId").GetString()!)];

    /// <summary>The events a webhook delivers from <paramref name="offset"/> on, following the offset's rules.</summary>
    private static async Task<string[]> EventIdsAsync(IWebHooksStorage storage, int webHookId, DeliveryOffset offset)
    {
        var ids = new List<string>();
        for (var guard = 0; guard < 100; guard++)
        {
            var next = await storage.Events.ReadAsync(webHookId, offset.Delivered, offset.ReadLimit(long.MaxValue), 1);
            if (next.Count == 0) return [.. ids];
            ids.Add(next[0].EventId);
            offset = offset.Advance(next[0].Sequence);
        }
        throw new AssertFailedException("more events than expected");
    }
}
