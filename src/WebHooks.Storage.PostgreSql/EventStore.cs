using Npgsql;
using WebHooks.Events;
using WebHooks.Lifecycle;
using WebHooks.Storage.PostgreSql.Signals;

namespace WebHooks.Storage.PostgreSql;

/// <summary>
/// The event log: one row per event in its stream, however many webhooks listen. Sequence numbers are assigned
/// under the stream's row lock, so per-stream order is sequence order even when a later transaction commits first.
/// </summary>
internal sealed class EventStore(Database database, GroupCommit groupCommit, LaneReads laneReads, LocalTails tails) : IEventStore
{
    /// <summary>Durable when the task completes; concurrent publishes share transactions (<see cref="GroupCommit"/>).</summary>
    public Task<Appended> AppendAsync(NewEvent newEvent, CancellationToken cancellationToken = default) =>
        groupCommit.AppendAsync(newEvent, cancellationToken);

    /// <summary>
    /// The appends of a group commit and their wake-up, inside the caller's transaction, in two round trips: one takes the
    /// row locks of the batch's streams (in one order, so that concurrent batches do not deadlock) and reads their
    /// webhooks; one writes every event, stream head and ring slot, and the NOTIFY. A batch that needs more decisions (an
    /// idempotency key, or a webhook whose buffer may close) goes event by event through <see cref="AppendInAsync"/>,
    /// under the locks taken already. <paramref name="lanesHere"/>: this instance wakes its own lanes (see <see cref="Wakeups"/>).
    /// Returns each append's result and, for the tails, the events stored with their stream, in order.
    /// <paramref name="tails"/> learns the stream of every webhook read.
    /// </summary>
    internal static async Task<(Appended[] Results, IReadOnlyList<(int Stream, StoredEvent Event)> Stored)> AppendBatchInAsync(
        NpgsqlConnection c, NpgsqlTransaction tx, string instance, bool lanesHere, LocalTails tails, IReadOnlyList<NewEvent> batch,
        CancellationToken cancellationToken)
    {
        var keys = batch.Select(e => (e.Account, e.Event)).Distinct().ToList();
        var accounts = keys.Select(k => k.Account).ToArray();
        var events = keys.Select(k => k.Event).ToArray();
        var streams = new Dictionary<(string Account, string Event), (int Id, long Head, DateTime? LastPublished)>();
        var webHooks = new Dictionary<int, List<WebHookRecord>>();
        var leasedElsewhere = new HashSet<int>();
        await using (var read = new NpgsqlBatch(c, tx))
        {
            read.BatchCommands.Add(Statement("""
                SELECT id, account, event, last_seq, last_published FROM streams
                WHERE (account, event) IN (SELECT * FROM unnest(@accounts, @events))
                ORDER BY account COLLATE "C", event COLLATE "C"
                FOR UPDATE
                """, ("accounts", accounts), ("events", events)));
            read.BatchCommands.Add(Statement($"""
                SELECT {WebHookRows.Columns}, {LeasedElsewhere} FROM {WebHookRows.From}
                WHERE (s.account, s.event) IN (SELECT * FROM unnest(@accounts, @events))
                ORDER BY w.id
                """, ("accounts", accounts), ("events", events), ("instance", instance)));
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                streams[(reader.GetString(1), reader.GetString(2))] = (reader.GetInt32(0), reader.GetInt64(3), reader.NullableDateTime(4));
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var (webHook, streamId) = WebHookRows.ReadWithStream(reader);
                tails.Learn(webHook.Id, streamId);
                if (!webHooks.TryGetValue(streamId, out var list)) webHooks[streamId] = list = [];
                list.Add(webHook);
                if (reader.GetBoolean(WebHookRows.ColumnCount)) leasedElsewhere.Add(webHook.Id);
            }
        }

        IReadOnlyList<WebHookRecord> Listening(NewEvent e) =>
            streams.TryGetValue((e.Account, e.Event), out var stream) ? webHooks.GetValueOrDefault(stream.Id, []) : [];
        bool OneByOne(NewEvent e) => !string.IsNullOrEmpty(e.IdempotencyKey)
            || Listening(e).Any(w => !BufferRules.Keeps(w.Active, w.Deactivated, e.Now, e.BufferPeriod));
        var stored = new List<(int Stream, StoredEvent Event)>();
        if (batch.Any(OneByOne))
        {
            var appended = new Appended[batch.Count];
            var wake = new List<int>();
            for (var i = 0; i < batch.Count; i++)
            {
                var (one, woken, storedOne) = await AppendInAsync(c, tx, instance, batch[i], cancellationToken);
                appended[i] = one;
                wake.AddRange(woken);
                if (storedOne is { } e) stored.Add(e);
            }
            await Wakeups.NotifyAsync(c, tx, instance, wake, Publish(lanesHere), cancellationToken, stored);
            return (appended, stored);
        }

        var results = new Appended[batch.Count];
        var allWoken = new SortedSet<int>();
        List<int> streamIds = [];
        List<long> seqs = [];
        List<string> eventIds = [], data = [];
        List<DateTime> published = [];
        await using var write = new NpgsqlBatch(c, tx);
        for (var i = 0; i < batch.Count; i++)
        {
            var e = batch[i];
            var kept = Listening(e);
            if (kept.Count > 0)
            {
                var stream = streams[(e.Account, e.Event)];
                var at = PublishedAt(stream.LastPublished, e.Now);
                stream = (stream.Id, stream.Head + 1, at);
                streams[(e.Account, e.Event)] = stream;
                streamIds.Add(stream.Id);
                seqs.Add(stream.Head);
                eventIds.Add(e.EventId);
                published.Add(at);
                data.Add(e.Data);
                stored.Add((stream.Id, new StoredEvent(stream.Head, e.EventId, e.Event, at, e.Data)));
            }
            write.BatchCommands.Add(RecentStatement(e));
            var queued = Queued(kept);
            allWoken.UnionWith(queued);
            results[i] = new Appended(e.EventId, kept.Count, [.. queued.Except(leasedElsewhere)], []);
        }
        if (streamIds.Count > 0)
        {
            write.BatchCommands.Add(Statement("""
                INSERT INTO events (stream_id, seq, event_id, published, data)
                SELECT * FROM unnest(@stream_ids, @seqs, @event_ids, @published, @data)
                """, ("stream_ids", streamIds.ToArray()), ("seqs", seqs.ToArray()), ("event_ids", eventIds.ToArray()),
                ("published", published.ToArray()), ("data", data.ToArray())));
            var touched = streamIds.ToHashSet();
            var heads = streams.Values.Where(s => touched.Contains(s.Id)).ToList();
            write.BatchCommands.Add(Statement("""
                UPDATE streams s SET last_seq = u.head, last_published = u.published
                FROM unnest(@ids, @heads, @last_published) AS u(id, head, published)
                WHERE s.id = u.id
                """, ("ids", heads.Select(h => h.Id).ToArray()), ("heads", heads.Select(h => h.Head).ToArray()),
                ("last_published", heads.Select(h => h.LastPublished!.Value).ToArray())));
        }
        if (Wakeups.Statement(instance, Publish(lanesHere), allWoken, stored) is { } notify) write.BatchCommands.Add(notify);
        await write.ExecuteNonQueryAsync(cancellationToken);
        return (results, stored);
    }

    /// <summary>A publish's wake-up: only events appended when this instance woke its own lanes for them, else a change (see <see cref="Wakeups"/>).</summary>
    private static WakeupKind Publish(bool lanesHere) => lanesHere ? WakeupKind.Appended : WakeupKind.Changed;

    /// <summary>Publish times never go back within a stream, whatever the instances' clocks say.</summary>
    private static DateTime PublishedAt(DateTime? lastPublished, DateTime now) =>
        lastPublished is { } last && last > Sql.Utc(now) ? last : Sql.Utc(now);

    /// <summary>The webhooks to deliver an appended event to: the active ones that keep it, in id order.</summary>
    private static List<int> Queued(IEnumerable<WebHookRecord> kept) => [.. kept.Where(w => w.Active).Select(w => w.Id).Order()];

    /// <summary>
    /// A column after <see cref="WebHookRows.Columns"/>: another live instance holds the webhook's lane. The appending
    /// instance does not wake a lane of its own for it (its claim would fail: in row p3 that was a claim, a round trip,
    /// for two publishes in three); the holder hears the wake-up and delivers. A holder that lets the lane go while
    /// this append commits sees its event when it does (<see cref="LaneStore.ReleaseAsync"/>).
    /// </summary>
    private const string LeasedElsewhere = "COALESCE(w.lease_until > now() AND w.lease_owner <> @instance, false)";

    private static NpgsqlBatchCommand Statement(string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters) command.Parameters.Add(new NpgsqlParameter(name, value));
        return command;
    }

    private static NpgsqlBatchCommand RecentStatement(NewEvent e) => Statement(RememberRecentSql,
        ("account", e.Account), ("event", e.Event), ("kept", (long)RecentEvents.Kept), ("event_id", e.EventId),
        ("published", Sql.Utc(e.Now)), ("data", e.Data));

    /// <summary>
    /// The append, inside the caller's transaction. <c>Wake</c> are the webhooks to signal after the commit; <c>Stored</c>
    /// the event stored and its stream, if any webhook keeps it.
    /// </summary>
    internal static async Task<(Appended Appended, IReadOnlyList<int> Wake, (int Stream, StoredEvent Event)? Stored)> AppendInAsync(
        NpgsqlConnection c, NpgsqlTransaction tx, string instance, NewEvent e, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(e.IdempotencyKey) && await ClaimKeyAsync(c, tx, e, cancellationToken) is { } earlier)
            return (earlier, [], null);

        var stream = (await c.Command("SELECT id, last_seq, last_published FROM streams WHERE account = @account AND event = @event FOR UPDATE", tx)
            .With("account", e.Account).With("event", e.Event)
            .ListAsync(r => (Id: r.GetInt32(0), Head: r.GetInt64(1), LastPublished: r.NullableDateTime(2)), cancellationToken)).SingleOrDefault();

        // No stream: no webhook was ever made for (account, event), so nobody keeps the event.
        var read = stream.Id == 0 ? [] : await c.Command($"SELECT {WebHookRows.Columns}, {LeasedElsewhere} FROM {WebHookRows.From} WHERE w.stream_id = @stream ORDER BY w.id", tx)
            .With("stream", stream.Id).With("instance", instance)
            .ListAsync(r => (WebHook: WebHookRows.Read(r), LeasedElsewhere: r.GetBoolean(WebHookRows.ColumnCount)), cancellationToken);
        var webHooks = read.Select(w => w.WebHook).ToList();
        var leasedElsewhere = read.Where(w => w.LeasedElsewhere).Select(w => w.WebHook.Id);

        bool Keeps(WebHookRecord w) => BufferRules.Keeps(w.Active, w.Deactivated, e.Now, e.BufferPeriod);
        var kept = webHooks.Where(Keeps).ToList();
        var dropped = new List<int>();
        if (webHooks.Count > kept.Count)
        {
            // Decide again on the locked rows: one may have been reactivated since the read above.
            var candidates = webHooks.Where(w => !Keeps(w)).Select(w => w.Id).ToArray();
            var locked = await c.Command($"SELECT {WebHookRows.Columns} FROM {WebHookRows.From} WHERE w.id = ANY(@ids) ORDER BY w.id FOR UPDATE OF w", tx)
                .With("ids", candidates).ListAsync(WebHookRows.Read, cancellationToken);
            kept.AddRange(locked.Where(Keeps));
            dropped.AddRange(locked.Where(w => !Keeps(w)).Select(w => w.Id));
            if (dropped.Count > 0)
                // The buffer closes at the head before this append: the last event it keeps.
                await c.Command("""
                        UPDATE webhooks SET dropped_events = dropped_events + 1, buffer_closed_at = COALESCE(buffer_closed_at, @head)
                        WHERE id = ANY(@ids)
                        """, tx)
                    .With("head", stream.Head).With("ids", dropped.ToArray()).ExecuteAsync(cancellationToken);
        }

        (int, StoredEvent)? stored = null;
        if (kept.Count > 0)
        {
            var published = PublishedAt(stream.LastPublished, e.Now);
            stored = (stream.Id, new StoredEvent(stream.Head + 1, e.EventId, e.Event, published, e.Data));
            await c.Command("""
                    INSERT INTO events (stream_id, seq, event_id, published, data) VALUES (@stream, @seq, @event_id, @published, @data);
                    UPDATE streams SET last_seq = @seq, last_published = @published WHERE id = @stream;
                    """, tx)
                .With("stream", stream.Id).With("seq", stream.Head + 1).With("event_id", e.EventId).With("published", published)
                .With("data", e.Data).ExecuteAsync(cancellationToken);
        }

        await RememberRecentAsync(c, tx, e, cancellationToken);

        if (!string.IsNullOrEmpty(e.IdempotencyKey))
            await c.Command("UPDATE idempotency SET webhooks = @webhooks WHERE account = @account AND key = @key", tx)
                .With("webhooks", kept.Count).With("account", e.Account).With("key", e.IdempotencyKey).ExecuteAsync(cancellationToken);

        var queued = Queued(kept);
        dropped.Sort();
        return (new Appended(e.EventId, kept.Count, [.. queued.Except(leasedElsewhere)], dropped), queued, stored);
    }

    /// <summary>Puts the event in the account's ring of recent events of its type, in one round trip.</summary>
    private static async Task RememberRecentAsync(NpgsqlConnection c, NpgsqlTransaction tx, NewEvent e, CancellationToken cancellationToken)
    {
        await using var remember = new NpgsqlBatch(c, tx) { BatchCommands = { RecentStatement(e) } };
        await remember.ExecuteNonQueryAsync(cancellationToken);
    }

    private const string RememberRecentSql = """
                WITH head AS (
                    INSERT INTO recent_heads AS h (account, event, last_seq) VALUES (@account, @event, 1)
                    ON CONFLICT (account, event) DO UPDATE SET last_seq = h.last_seq + 1
                    RETURNING last_seq)
                INSERT INTO recent_events (account, event, slot, seq, event_id, published, data)
                SELECT @account, @event, last_seq % @kept, last_seq, @event_id, @published, @data FROM head
                ON CONFLICT (account, event, slot) DO UPDATE
                    SET seq = excluded.seq, event_id = excluded.event_id, published = excluded.published, data = excluded.data
                """;

    /// <summary>
    /// Takes the idempotency key for this publish, or returns the earlier reply when it is taken and not expired.
    /// The insert waits for a concurrent publish with the same key, so exactly one of them stores its event.
    /// </summary>
    private static async Task<Appended?> ClaimKeyAsync(NpgsqlConnection c, NpgsqlTransaction tx, NewEvent e, CancellationToken cancellationToken)
    {
        var claimed = await c.Command("""
                INSERT INTO idempotency AS i (account, key, created, event_id, webhooks) VALUES (@account, @key, @now, @event_id, 0)
                ON CONFLICT (account, key) DO UPDATE SET created = excluded.created, event_id = excluded.event_id, webhooks = 0
                    WHERE i.created <= @expired
                RETURNING true
                """, tx)
            .With("account", e.Account).With("key", e.IdempotencyKey).With("now", e.Now).With("event_id", e.EventId)
            .With("expired", e.Now - e.IdempotencyWindow).ScalarAsync<bool>(cancellationToken);
        if (claimed) return null;

        return await c.Command("SELECT event_id, webhooks FROM idempotency WHERE account = @account AND key = @key", tx)
            .With("account", e.Account).With("key", e.IdempotencyKey)
            .SingleOrDefaultAsync(r => new Appended(r.GetString(0), r.GetInt32(1), [], [], Repeated: true), cancellationToken);
    }

    /// <summary>From memory of the stream when it holds the range whole (<see cref="LocalTails"/>); else batched with the other lanes' reads (<see cref="LaneReads"/>).</summary>
    public Task<IReadOnlyList<StoredEvent>> ReadAsync(int webHookId, long after, long upTo, int max, CancellationToken cancellationToken = default) =>
        tails.TryRead(webHookId, after, upTo, max, out var held)
            ? Task.FromResult(held)
            : laneReads.ReadAsync(webHookId, after, upTo, max, cancellationToken);

    public Task<IReadOnlyList<StoredEvent>> RecentAsync(string account, string eventName, int max, CancellationToken cancellationToken = default) =>
        database.RunAsync<IReadOnlyList<StoredEvent>>(async c => await c.Command("""
                SELECT seq, event_id, event, published, data
                FROM recent_events
                WHERE account = @account AND event = @event
                ORDER BY seq DESC
                LIMIT @max
                """)
            .With("account", account).With("event", eventName).With("max", max)
            .ListAsync(r => ReadEvent(r, first: 0), cancellationToken), cancellationToken);

    /// <summary>An event from the columns seq, event_id, event, published and data, in that order from <paramref name="first"/>.</summary>
    internal static StoredEvent ReadEvent(NpgsqlDataReader r, int first) =>
        new(r.GetInt64(first), r.GetString(first + 1), r.GetString(first + 2), r.GetFieldValue<DateTime>(first + 3), r.GetString(first + 4));
}
