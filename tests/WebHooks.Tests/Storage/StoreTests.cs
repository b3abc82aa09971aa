using Microsoft.Extensions.Logging.Abstractions;
using WebHooks.Storage;

namespace WebHooks.Tests.Storage;

/// <summary>The LiteDB store and the event log over a real database file.</summary>
[TestClass]
public sealed class StoreTests
{
    private static readonly DateTime T0 = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
    private string _directory = null!;
    private string DatabasePath => Path.Combine(_directory, "webhooks.db");

    [TestInitialize]
    public void Folder()
    {
        _directory = Path.Combine(Path.GetTempPath(), "webhooks-store-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TestCleanup]
    public void Clean() => Directory.Delete(_directory, recursive: true);

    [TestMethod]
    public async Task Streams_keep_their_own_order_and_ranges()
    {
        using var store = new Store(DatabasePath, NullLogger<Store>.Instance);
        var log = new EventLog(store);
        var (a, b) = await store.WriteAsync(() => (log.StreamFor("acme", "optin_finalized"), log.StreamFor("acme", "optout_finalized")));
        await store.WriteAsync(() =>
        {
            for (var i = 1; i <= 10; i++)
            {
                log.Append(a, $"a{i}", T0.AddMinutes(i), $"{{\"a\":{i}}}");
                log.Append(b, $"b{i}", T0.AddMinutes(i), $"{{\"b\":{i}}}");
            }
        });

        CollectionAssert.AreEqual(new[] { "a4", "a5", "a6" }, log.ReadAfter(a, 3, 3).Select(e => e.EventId).ToArray());
        CollectionAssert.AreEqual(new[] { "b9", "b10" }, log.ReadAfter(b, 8, 100).Select(e => e.EventId).ToArray());
        CollectionAssert.AreEqual(new[] { "a2", "a3" }, log.ReadAfter(a, 1, 100, upToSequence: 3).Select(e => e.EventId).ToArray());
        Assert.AreEqual(0, log.ReadAfter(a, 10, 100).Count);
        Assert.AreEqual(4, log.Count(a, 2, 6));
        Assert.AreEqual(0, log.Count(a, 6, 2));
        Assert.AreEqual(5, log.LastPublishedBy(a, 0, T0.AddMinutes(5)));
        Assert.AreEqual(7, log.LastPublishedBy(a, 7, T0.AddMinutes(5)), "nothing after 7 was published by then");
        Assert.AreEqual(10, log.LastSequence(a));
        Assert.AreEqual(a, log.FindStream("acme", "optin_finalized"));
        Assert.IsNull(log.FindStream("acme", "profilemanager_finalized"));

        Assert.AreEqual(4, await store.WriteAsync(() => log.DeleteUpTo(a, 4)));
        Assert.AreEqual("a5", log.ReadAfter(a, 0, 1).Single().EventId);
        Assert.AreEqual(10, log.Count(b, 0, 10), "the other stream is untouched");
    }

    [TestMethod]
    public async Task Sequences_go_on_after_a_reopen_even_when_retention_emptied_the_stream()
    {
        int stream;
        using (var store = new Store(DatabasePath, NullLogger<Store>.Instance))
        {
            var log = new EventLog(store);
            stream = await store.WriteAsync(() => log.StreamFor("acme", "optin_finalized"));
            await store.WriteAsync(() =>
            {
                for (var i = 0; i < 5; i++) log.Append(stream, $"e{i}", T0, "{}");
                store.WebHooks.Insert(new WebHookDocument { Account = "acme", Event = "optin_finalized", StreamId = stream, Delivered = 5 });
                log.DeleteUpTo(stream, 5);
            });
        }

        using (var store = new Store(DatabasePath, NullLogger<Store>.Instance))
        {
            var log = new EventLog(store);
            Assert.AreEqual(5, log.LastSequence(stream), "the consumer's offset keeps the sequence from going back");
            Assert.AreEqual(6, await store.WriteAsync(() => log.Append(stream, "e5", T0, "{}")));
        }
    }

    [TestMethod]
    public async Task A_failing_write_fails_alone_and_the_others_commit()
    {
        using var store = new Store(DatabasePath, NullLogger<Store>.Instance);
        var writes = Enumerable.Range(0, 50).Select(i => i == 25
            ? store.WriteAsync(() => throw new InvalidOperationException("boom"))
            : store.WriteAsync(() => store.Settings.Insert(new SettingDocument { Name = $"k{i}", Value = "v" }))).ToArray();

        await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => writes[25]);
        foreach (var write in writes.Where((_, i) => i != 25)) await write;
        Assert.AreEqual(49, store.Settings.Count());
    }

    [TestMethod]
    public void A_second_process_on_the_same_file_is_refused()
    {
        using var store = new Store(DatabasePath, NullLogger<Store>.Instance);
        var refused = Assert.ThrowsExactly<DatabaseInUseException>(() => new Store(DatabasePath, NullLogger<Store>.Instance));
        StringAssert.Contains(refused.Message, "in use");
    }
}
