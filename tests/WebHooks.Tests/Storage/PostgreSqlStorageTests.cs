using System.Collections.Concurrent;
using Npgsql;
using WebHooks.Events;
using WebHooks.Storage;
using WebHooks.Storage.PostgreSql;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Storage;

/// <summary>
/// What only a shared database has: several instances (storages) on one schema, wake-ups between them, migrations
/// that race, and the messages of a server that cannot be reached.
/// </summary>
[TestClass]
[TestCategory("Storage")]
[TestCategory("PostgreSql")]
public sealed class PostgreSqlStorageTests
{
    private static readonly DateTime T0 = new(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly List<IAsyncDisposable> _cleanup = [];
    private TestSchema _schema = null!;

    [TestCleanup]
    public async Task CleanAsync()
    {
        // Storages first (they were added after their schema), then the schemas.
        for (var i = _cleanup.Count - 1; i >= 0; i--) await _cleanup[i].DisposeAsync();
    }

    private async Task<(PostgreSqlStorage First, PostgreSqlStorage Second)> TwoInstancesAsync()
    {
        var schema = _schema = await PostgreSqlServer.CreateSchemaAsync();
        _cleanup.Add(schema);
        var first = schema.Open();
        var second = schema.Open();
        _cleanup.Add(first);
        _cleanup.Add(second);
        await Task.WhenAll(first.MigrateAsync(), second.MigrateAsync());
        Assert.IsTrue(await first.Accounts.AddAsync(new Account("acme", "hash", null, T0)));
        return (first, second);
    }

    private static async Task<WebHookRecord> CreateAsync(IWebHooksStorage storage) =>
        (await storage.WebHooks.CreateAsync(new NewWebHook("acme", "shop", "optin_finalized", "https://example.com/", "whsec_x", T0), 100))!;

    private static NewEvent Event(int n) =>
        new("acme", "optin_finalized", $"evt_{n}", $"{{\"n\":{n}}}", null, T0.AddMilliseconds(n), TimeSpan.FromDays(5), TimeSpan.FromHours(24));

    [TestMethod]
    public async Task A_publish_that_fails_in_a_group_commit_fails_alone()
    {
        var (first, _) = await TwoInstancesAsync();
        var webHook = await CreateAsync(first);

        // PostgreSQL text cannot hold NUL: that publish fails; the others, committed in the same groups or not, succeed.
        var publishes = Enumerable.Range(1, 30)
            .Select(n => n == 15 ? Event(n) with { Data = "{\"n\":\"\0\"}" } : Event(n))
            .Select(e => (e.EventId, Task: first.Events.AppendAsync(e)))
            .ToList();
        var outcomes = await Task.WhenAll(publishes.Select(async p =>
        {
            try { await p.Task; return (p.EventId, Ok: true); }
            catch (PostgresException) { return (p.EventId, Ok: false); }
        }));

        CollectionAssert.AreEqual(new[] { "evt_15" }, outcomes.Where(o => !o.Ok).Select(o => o.EventId).ToArray());
        var stored = await first.Events.ReadAsync(webHook.Id, 0, long.MaxValue, 100);
        CollectionAssert.AreEqual(Enumerable.Range(1, 29).Select(n => (long)n).ToArray(), stored.Select(e => e.Sequence).ToArray());
        CollectionAssert.AreEquivalent(outcomes.Where(o => o.Ok).Select(o => o.EventId).ToArray(), stored.Select(e => e.EventId).ToArray());
    }

    [TestMethod]
    public async Task Two_instances_on_an_empty_schema_migrate_it_once()
    {
        var schema = await PostgreSqlServer.CreateSchemaAsync();
        _cleanup.Add(schema);
        var instances = Enumerable.Range(0, 3).Select(_ => schema.Open()).ToList();
        _cleanup.AddRange(instances);

        await Task.WhenAll(instances.Select(i => i.MigrateAsync()));

        await using var connection = new NpgsqlConnection(schema.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*), count(DISTINCT version) FROM schema_migrations", connection);
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        var migrations = WebHooks.Storage.PostgreSql.Migrations.Migrator.Embedded().Count;
        Assert.IsTrue(migrations >= 2, "0001 and the migrations after it");
        Assert.AreEqual(((long)migrations, (long)migrations), (reader.GetInt64(0), reader.GetInt64(1)), "each migration applied once");
    }

    [TestMethod]
    public async Task A_publish_leaves_a_webhook_to_the_instance_that_holds_its_lane_and_the_release_shows_it()
    {
        var (first, second) = await TwoInstancesAsync();
        var webHook = await CreateAsync(first);
        CollectionAssert.AreEqual(new[] { webHook.Id }, (await second.Events.AppendAsync(Event(1))).Queued.ToArray(), "nobody holds it: wake a lane");

        var lease = (await first.Lanes.TryClaimAsync(webHook.Id))!;
        var appended = await second.Events.AppendAsync(Event(2));
        Assert.AreEqual(1, appended.WebHooks, "stored for it");
        Assert.AreEqual(0, appended.Queued.Count, "the first instance holds the lane: the second starts none (it hears the NOTIFY)");
        CollectionAssert.AreEqual(new[] { webHook.Id }, (await first.Events.AppendAsync(Event(3))).Queued.ToArray(), "the holder wakes its own lane");

        // The holder read up to 1 and lets the lane go: the head it is told shows what came meanwhile.
        Assert.AreEqual(3L, await first.Lanes.ReleaseAsync(lease, lease.WebHook.Progress with { Offset = new WebHooks.Delivery.DeliveryOffset(1) }));
        CollectionAssert.AreEqual(new[] { webHook.Id }, (await second.Events.AppendAsync(Event(4))).Queued.ToArray(), "released: wake a lane again");
    }

    /// <summary>
    /// A lane reads from memory what its own instance appended and what another's wake-up carried, and from the storage
    /// what a wake-up named without carrying it (too large to fit). The events' rows are deleted behind the storages'
    /// backs to tell the two apart.
    /// </summary>
    [TestMethod]
    public async Task An_instance_reads_its_own_appends_and_those_the_wake_ups_carry_from_memory()
    {
        var (first, second) = await TwoInstancesAsync();
        var webHook = await CreateAsync(first);
        await Task.WhenAll(first.Listening, second.Listening).WaitAsync(Deadline);
        for (var n = 1; n <= 3; n++) await first.Events.AppendAsync(Event(n));
        await DeleteEventsAsync();

        CollectionAssert.AreEqual(new long[] { 2, 3 }, Sequences(await first.Events.ReadAsync(webHook.Id, 1, long.MaxValue, 100)), "from memory");
        Assert.IsEmpty(await second.Events.ReadAsync(webHook.Id, 1, long.MaxValue, 100), "the second never appended to the stream: the storage answers");

        // The second appends after the first's last: its wake-up carries the event into the first's memory.
        await second.Events.AppendAsync(Event(4));
        await DeleteEventsAsync();
        using var deadline = new CancellationTokenSource(Deadline);
        while (Sequences(await first.Events.ReadAsync(webHook.Id, 3, long.MaxValue, 100)) is not [4])
            await Task.Delay(20, deadline.Token); // memory answers "nothing yet" until the wake-up is heard; fails at the deadline
        await first.Events.AppendAsync(Event(5));
        await DeleteEventsAsync();
        var held = await first.Events.ReadAsync(webHook.Id, 3, long.MaxValue, 100);
        CollectionAssert.AreEqual(new long[] { 4, 5 }, Sequences(held), "theirs and ours, in order");
        CollectionAssert.AreEqual(new[] { "evt_4", "{\"n\":4}" }, new[] { held[0].EventId, held[0].Data });

        // Too large for a wake-up: it names the webhook only, and the first reads the event from the storage.
        var large = Event(6) with { Data = $"{{\"n\":6,\"pad\":\"{new string('x', 8_000)}\"}}" };
        await second.Events.AppendAsync(large);
        while (Sequences(await first.Events.ReadAsync(webHook.Id, 5, long.MaxValue, 100)) is not [6])
            await Task.Delay(20, deadline.Token); // "nothing yet" from memory until the wake-up is heard, then the storage
        await DeleteEventsAsync();
        Assert.IsEmpty(await first.Events.ReadAsync(webHook.Id, 5, long.MaxValue, 100), "6 is not in memory: the storage answers (now empty)");

        // A third instance, which never published to the stream, claims the webhook's lane: its reads use memory too.
        var third = _schema.Open();
        _cleanup.Add(third);
        await third.Listening.WaitAsync(Deadline);
        Assert.IsNotNull(await third.Lanes.TryClaimAsync(webHook.Id));
        Assert.IsEmpty(await third.Events.ReadAsync(webHook.Id, 6, long.MaxValue, 100), "a lane's first read after its claim: the storage");
        await first.Events.AppendAsync(Event(7));
        await DeleteEventsAsync();
        while (Sequences(await third.Events.ReadAsync(webHook.Id, 6, long.MaxValue, 100)) is not [7])
            await Task.Delay(20, deadline.Token);
    }

    /// <summary>More than a ring's worth of one ring in one group commit: the ring keeps the last ones, in order.</summary>
    [TestMethod]
    public async Task A_group_commit_puts_the_last_of_its_events_in_the_ring_of_recent_events()
    {
        var (first, _) = await TwoInstancesAsync();
        var webHook = await CreateAsync(first);
        var batch = Enumerable.Range(1, 3 * RecentEvents.Kept).Select(Event).ToList();

        await using (var connection = new NpgsqlConnection(_schema.ConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await EventStore.AppendBatchInAsync(connection, transaction, "test", lanesHere: false, new LocalTails(), batch, CancellationToken.None);
            await transaction.CommitAsync();
        }

        CollectionAssert.AreEqual(batch.Select(e => e.EventId).Reverse().Take(RecentEvents.Kept).ToArray(),
            (await first.Events.RecentAsync("acme", "optin_finalized", 100)).Select(e => e.EventId).ToArray());
        Assert.HasCount(batch.Count, await first.Events.ReadAsync(webHook.Id, 0, long.MaxValue, 1000));
    }

    private async Task DeleteEventsAsync()
    {
        await using var connection = new NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync();
        await using var delete = new NpgsqlCommand("DELETE FROM events", connection);
        await delete.ExecuteNonQueryAsync();
    }

    private static long[] Sequences(IReadOnlyList<StoredEvent> events) => [.. events.Select(e => e.Sequence)];

    [TestMethod]
    public async Task A_release_waits_for_a_publish_that_is_committing_and_counts_its_event()
    {
        var (first, second) = await TwoInstancesAsync();
        var webHook = await CreateAsync(first);
        var lease = (await first.Lanes.TryClaimAsync(webHook.Id))!;

        // A publish in flight, stopped inside its transaction after it locked the stream (as a group commit does).
        await using var connection = new NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync();
        await using var publish = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand(
            "SELECT id FROM streams WHERE account = 'acme' AND event = 'optin_finalized' FOR UPDATE; UPDATE streams SET last_seq = last_seq + 1 WHERE account = 'acme'",
            connection, publish))
            await command.ExecuteNonQueryAsync();

        var release = first.Lanes.ReleaseAsync(lease, null);
        // Watched from another connection: inside a transaction PostgreSQL reads pg_stat_activity once and keeps that snapshot.
        await using var watcher = new NpgsqlConnection(_schema.ConnectionString);
        await watcher.OpenAsync();
        await using (var waiting = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FOR SHARE OF s%'", watcher))
        {
            using var deadline = new CancellationTokenSource(Deadline);
            while ((long)(await waiting.ExecuteScalarAsync(deadline.Token))! == 0) await Task.Delay(20, deadline.Token);
        }
        Assert.IsFalse(release.IsCompleted, "the release waits for the publish's lock");
        await publish.CommitAsync();
        Assert.AreEqual(1L, await release.WaitAsync(Deadline), "and then sees its head");
    }

    [TestMethod]
    public async Task A_lane_has_one_owner_across_instances()
    {
        var (first, second) = await TwoInstancesAsync();
        var webHook = await CreateAsync(first);

        var claims = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? first : second).Lanes.TryClaimAsync(webHook.Id)));

        var lease = claims.Single(c => c is not null)!;
        Assert.IsNull(await second.Lanes.TryClaimAsync(webHook.Id));
        await first.Lanes.ReleaseAsync(lease, null);
        Assert.IsNotNull(await second.Lanes.TryClaimAsync(webHook.Id), "released: any instance may claim it");
        Assert.IsNull(await first.Lanes.SaveAsync(lease, lease.WebHook.Progress), "the first owner's token is dead");
    }

    [TestMethod]
    public async Task A_publish_on_one_instance_wakes_the_other()
    {
        var (first, second) = await TwoInstancesAsync();
        var touched = new ConcurrentQueue<IReadOnlyList<int>>();
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        second.Signals.WebHooksTouched += ids => { touched.Enqueue(ids); if (ids.Count > 0) seen.TrySetResult(); };
        await second.Listening.WaitAsync(Deadline);
        var webHook = await CreateAsync(first);
        await seen.Task.WaitAsync(Deadline);
        Assert.IsTrue(touched.Any(ids => ids.Contains(webHook.Id)), "creation wakes");
        touched.Clear();

        var appendedHere = new ConcurrentQueue<IReadOnlyList<int>>();
        second.Signals.EventsAppended += appendedHere.Enqueue;
        using var deadline = new CancellationTokenSource(Deadline);

        // Without a delivery engine on the first (the command line's publish), the others must start lanes.
        CollectionAssert.AreEqual(new[] { webHook.Id }, (await first.Events.AppendAsync(Event(1))).Queued.ToArray());
        while (!touched.Any(ids => ids.Contains(webHook.Id)))
            await Task.Delay(20, deadline.Token); // polls the handler's queue; fails by cancellation at the deadline
        Assert.IsEmpty(appendedHere);

        // With one, it woke its own lanes: the others wake only theirs, and need not read the webhook again.
        touched.Clear();
        first.Signals.EventsAppended += _ => { };
        await first.Events.AppendAsync(Event(2));
        while (!appendedHere.Any(ids => ids.Contains(webHook.Id)))
            await Task.Delay(20, deadline.Token);
        Assert.IsEmpty(touched, "a publish changes no webhook");
        Assert.AreEqual(TimeSpan.FromSeconds(1), second.Signals.PollInterval);
    }

    /// <summary>
    /// An instance signals its own lanes in process; hearing its own NOTIFY again made each woken lane save its progress
    /// for nothing. PostgreSQL delivers a channel's notifications in commit order, so once the first instance hears the
    /// second's creation it has heard everything it sent before.
    /// </summary>
    [TestMethod]
    public async Task An_instance_does_not_hear_its_own_wake_ups()
    {
        var (first, second) = await TwoInstancesAsync();
        var heardByFirst = new ConcurrentQueue<IReadOnlyList<int>>();
        var heardBySecond = new ConcurrentQueue<IReadOnlyList<int>>();
        first.Signals.WebHooksTouched += heardByFirst.Enqueue;
        first.Signals.EventsAppended += heardByFirst.Enqueue;
        second.Signals.WebHooksTouched += heardBySecond.Enqueue;
        second.Signals.EventsAppended += heardBySecond.Enqueue;
        await Task.WhenAll(first.Listening, second.Listening).WaitAsync(Deadline);

        var own = await CreateAsync(first);
        await first.Events.AppendAsync(Event(1));
        var other = await CreateAsync(second);

        using var deadline = new CancellationTokenSource(Deadline);
        while (!heardByFirst.Any(ids => ids.Contains(other.Id)) || heardBySecond.Count(ids => ids.Contains(own.Id)) < 2)
            await Task.Delay(20, deadline.Token); // polls the handlers' queues; fails by cancellation at the deadline
        CollectionAssert.AreEqual(new[] { other.Id }, heardByFirst.SelectMany(ids => ids).ToArray(), "the first heard only the second");
        Assert.IsFalse(heardBySecond.Any(ids => ids.Contains(other.Id)), "the second did not hear its own creation");
    }

    [TestMethod]
    public async Task After_a_lost_connection_the_listener_says_look_at_everything()
    {
        var (_, second) = await TwoInstancesAsync();
        var everything = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        second.Signals.WebHooksTouched += ids => { if (ids.Count == 0) everything.TrySetResult(); };
        await second.Listening.WaitAsync(Deadline);

        await using (var admin = new NpgsqlConnection(PostgreSqlServer.ConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE 'LISTEN %' AND query LIKE '%' || @schema || '%'", admin);
            kill.Parameters.AddWithValue("schema", _schema.Name);
            Assert.IsTrue((long)(await kill.ExecuteScalarAsync())! >= 1, "the listeners' backends were found (both instances listen)");
        }

        await everything.Task.WaitAsync(Deadline);
    }

    [TestMethod]
    public async Task Concurrent_appends_from_two_instances_keep_sequences_contiguous()
    {
        var (first, second) = await TwoInstancesAsync();
        var webHook = await CreateAsync(first);

        await Task.WhenAll(Enumerable.Range(1, 100).Select(n => (n % 2 == 0 ? first : second).Events.AppendAsync(Event(n))));

        // Read by an instance with no memory of the stream: the two may not have heard each other's last wake-ups yet (a
        // lane reads on when it hears them).
        var reader = _schema.Open();
        _cleanup.Add(reader);
        var stored = await reader.Events.ReadAsync(webHook.Id, 0, long.MaxValue, 1000);
        CollectionAssert.AreEqual(Enumerable.Range(1, 100).Select(n => (long)n).ToArray(), stored.Select(e => e.Sequence).ToArray());
        CollectionAssert.AreEquivalent(Enumerable.Range(1, 100).Select(n => $"evt_{n}").ToArray(), stored.Select(e => e.EventId).ToArray());
        Assert.IsTrue(stored.Zip(stored.Skip(1)).All(p => p.First.Published <= p.Second.Published), "publish times follow sequence order");
        Assert.AreEqual(100, (await first.WebHooks.FindAsync("acme", webHook.Id))!.Head);
    }

    [TestMethod]
    public async Task An_unreachable_server_is_one_clear_error()
    {
        await using var storage = PostgreSqlStorage.Create(new PostgreSqlStorageOptions
        {
            ConnectionString = "Host=127.0.0.1;Port=1;Username=nobody;Password=secret-password;Database=webhooks;Timeout=3",
        }, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);

        var error = await Assert.ThrowsExactlyAsync<PostgreSqlUnavailableException>(() => storage.MigrateAsync());

        StringAssert.Contains(error.Message, "PostgreSQL at 127.0.0.1:1 (database webhooks, user nobody) cannot be used");
        Assert.IsFalse(error.Message.Contains("secret-password"), "the password never shows");
        Assert.IsFalse(await storage.Maintenance.PingAsync());
    }

    [TestMethod]
    public void A_bad_connection_string_is_one_clear_error()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => PostgreSqlStorage.Create(
            new PostgreSqlStorageOptions { ConnectionString = "Hots=localhost" }, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));
        StringAssert.StartsWith(error.Message, "the PostgreSQL connection string is not valid");

        Assert.ThrowsExactly<ArgumentException>(() => PostgreSqlStorage.Create(
            new PostgreSqlStorageOptions(), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));
    }
}
