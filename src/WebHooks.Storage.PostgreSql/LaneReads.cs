namespace WebHooks.Storage.PostgreSql;

/// <summary>
/// The lanes' reads of their next events, batched: a read that arrives while another is running waits for it, and then
/// goes with every read that gathered meanwhile, in one statement (one round trip for all of them). A read that finds
/// none running goes at once, alone. Busy lanes read once per event or so; with 50 of them that was one round trip
/// per delivered event, as many as the publishes' own. Each read sees what was committed when its statement ran, as
/// one read alone would.
/// </summary>
internal sealed class LaneReads(Database database) : Batches<LaneReads.Read, IReadOnlyList<StoredEvent>>(MaxBatch)
{
    /// <summary>Reads per statement at most: a busy instance runs a few hundred lanes at most, and each returns ≤ its own max.</summary>
    private const int MaxBatch = 64;

    private const string Sql = """
        SELECT r.i, e.seq, e.event_id, s.event, e.published, e.data
        FROM unnest(@ids, @afters, @up_tos, @maxes) WITH ORDINALITY AS r(id, after, up_to, max, i)
        JOIN webhooks w ON w.id = r.id
        JOIN streams s ON s.id = w.stream_id
        CROSS JOIN LATERAL (
            SELECT e.seq, e.event_id, e.published, e.data FROM events e
            WHERE e.stream_id = w.stream_id AND e.seq > r.after AND e.seq <= r.up_to
            ORDER BY e.seq
            LIMIT r.max) e
        ORDER BY r.i, e.seq
        """;

    /// <summary>The events of the webhook's stream after <paramref name="after"/> and up to <paramref name="upTo"/>, in order, at most <paramref name="max"/>.</summary>
    public Task<IReadOnlyList<StoredEvent>> ReadAsync(int webHookId, long after, long upTo, int max, CancellationToken cancellationToken) =>
        SubmitAsync(new Read(webHookId, after, upTo, max), cancellationToken);

    protected override Task HandleAsync(List<Pending> batch) => AnswerAsync(batch, () => ReadBatchAsync([.. batch.Select(p => p.Item)]));

    private async Task<IReadOnlyList<StoredEvent>[]> ReadBatchAsync(IReadOnlyList<Read> reads)
    {
        var rows = await database.RunAsync(c => c.Command(Sql)
            .With("ids", reads.Select(r => r.WebHookId).ToArray()).With("afters", reads.Select(r => r.After).ToArray())
            .With("up_tos", reads.Select(r => r.UpTo).ToArray()).With("maxes", reads.Select(r => (long)r.Max).ToArray())
            .ListAsync(r => (Read: r.GetInt64(0) - 1, Event: EventStore.ReadEvent(r, first: 1)), CancellationToken.None), CancellationToken.None);
        var found = reads.Select(_ => new List<StoredEvent>()).ToArray();
        foreach (var (read, e) in rows) found[read].Add(e);
        return found;
    }

    internal sealed record Read(int WebHookId, long After, long UpTo, int Max);
}
