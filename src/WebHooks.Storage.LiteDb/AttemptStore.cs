namespace WebHooks.Storage.LiteDb;

/// <summary>
/// Attempts are stored in blocks (<see cref="AttemptDocument"/>): what one write logs for a webhook is one document,
/// keyed by webhook and the running number of its first attempt, so a webhook's attempts are one key range in time order.
/// </summary>
internal sealed class AttemptStore(Database db, MemoryState state) : IAttemptStore
{
    private readonly Dictionary<int, long> _last = []; // per webhook, the number of its last attempt; writer thread only

    /// <summary>At most this many attempts in one document.</summary>
    private const int BlockSize = 100;

    /// <summary>Attempts of one background write, so that a publish waits behind at most one of them.</summary>
    private const int WriteSize = 500;

    public async Task AddAsync(IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken = default)
    {
        // A webhook deleted while its attempts waited in the log: they would belong to nobody.
        var blocks = attempts.Where(a => state.WebHook(a.WebHookId) is not null)
            .GroupBy(a => (a.WebHookId, a.Event))
            .SelectMany(group => group.Chunk(BlockSize))
            .ToList();
        for (var start = 0; start < blocks.Count;)
        {
            var write = new List<DeliveryAttempt[]>();
            for (var size = 0; start < blocks.Count && (write.Count == 0 || size + blocks[start].Length <= WriteSize); start++)
            {
                write.Add(blocks[start]);
                size += blocks[start].Length;
            }
            await db.WriteAsync(c =>
            {
                foreach (var block in write)
                {
                    var webHookId = block[0].WebHookId;
                    var first = (_last.TryGetValue(webHookId, out var last) ? last : LastNumber(c, webHookId)) + 1;
                    _last[webHookId] = first + block.Length - 1;
                    c.Attempts.Insert(AttemptDocument.Of(first, block));
                }
                return write.Count;
            }, background: true);
        }
    }

    public Task<IReadOnlyList<DeliveryAttempt>> ListAsync(string account, int webHookId, int max, CancellationToken cancellationToken = default)
    {
        if (state.WebHook(webHookId) is not { } webHook || webHook.Account != account) return Task.FromResult<IReadOnlyList<DeliveryAttempt>>([]);
        // Attempts are stored in the order they were logged, which is their order in time but for attempts made in
        // parallel (a webhook's concurrency above 1): the newest few more than asked are ordered by their time.
        var newest = new List<(long Number, DeliveryAttempt Attempt)>();
        foreach (var block in db.Read.Attempts.Query().Where(EventKey.Range(webHookId, 0, EventKey.MaxSequence)).OrderByDescending(a => a.Key).ToEnumerable())
        {
            newest.AddRange(block.Attempts());
            if (newest.Count >= max + 64) break;
        }
        return Task.FromResult<IReadOnlyList<DeliveryAttempt>>([.. newest
            .OrderByDescending(a => a.Attempt.Created).ThenByDescending(a => a.Number)
            .Take(max)
            .Select(a => a.Attempt)]);
    }

    /// <summary>
    /// Deletes the attempts older than <paramref name="cutoff"/>. Writer thread only. Per webhook, its attempts are one
    /// key range in time order: only the old blocks are read, up to the first that holds a recent enough attempt, whose
    /// older attempts are cut off. (Attempts go with their webhook when it is deleted, and none is added for a webhook
    /// that is gone, so the live webhooks own them all.)
    /// </summary>
    public long Purge(Collections c, DateTime cutoff)
    {
        long deleted = 0;
        foreach (var owner in state.WebHooks.Select(w => w.Id).ToList())
        {
            var lastOld = 0L;
            AttemptDocument? partly = null;
            foreach (var block in c.Attempts.Find(EventKey.Range(owner, 0, EventKey.MaxSequence)))
            {
                if (block.Attempts().All(a => a.Attempt.Created < cutoff))
                {
                    lastOld = block.LastNumber;
                    deleted += block.Count;
                    continue;
                }
                if (block.Created < cutoff) partly = block;
                break;
            }
            if (lastOld > 0) c.Attempts.DeleteMany(EventKey.Range(owner, 0, lastOld));
            if (partly is null) continue;
            var kept = partly.Attempts().SkipWhile(a => a.Attempt.Created < cutoff).ToList();
            c.Attempts.Delete(partly.Key);
            c.Attempts.Insert(AttemptDocument.Of(kept[0].Number, [.. kept.Select(a => a.Attempt)]));
            deleted += partly.Count - kept.Count;
        }
        return deleted;
    }

    private static long LastNumber(Collections c, int webHookId) =>
        c.Attempts.Query().Where(EventKey.Range(webHookId, 0, EventKey.MaxSequence)).OrderByDescending(a => a.Key).Limit(1).FirstOrDefault() is { } last
            ? last.LastNumber
            : 0;
}
