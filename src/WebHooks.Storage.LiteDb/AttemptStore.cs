using System.Collections.Concurrent;

namespace WebHooks.Storage.LiteDb;

/// <summary>Attempts are keyed by webhook and a running number, so a webhook's attempts are one key range in time order.</summary>
internal sealed class AttemptStore(Database db, MemoryState state) : IAttemptStore
{
    private readonly ConcurrentDictionary<int, long> _last = new();

    /// <summary>Chunks this large run as background writes, so that a publish waits behind at most one of them.</summary>
    private const int Chunk = 100;

    public async Task AddAsync(IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken = default)
    {
        // A webhook deleted while its attempts waited in the log: they would belong to nobody.
        var kept = attempts.Where(a => state.WebHook(a.WebHookId) is not null).ToList();
        for (var start = 0; start < kept.Count; start += Chunk)
        {
            var chunk = kept.GetRange(start, Math.Min(Chunk, kept.Count - start));
            await db.WriteAsync(c =>
            {
                foreach (var attempt in chunk)
                {
                    var number = _last.AddOrUpdate(attempt.WebHookId, id => LastNumber(c, id) + 1, (_, last) => last + 1);
                    c.Attempts.Insert(new AttemptDocument
                    {
                        Key = EventKey.Of(attempt.WebHookId, number), EventId = attempt.EventId, Event = attempt.Event, Attempt = attempt.Attempt,
                        Created = attempt.Created, Status = attempt.Status, DurationMs = attempt.DurationMs, Succeeded = attempt.Succeeded, Error = attempt.Error,
                    });
                }
                return chunk.Count;
            }, background: true);
        }
    }

    public Task<IReadOnlyList<DeliveryAttempt>> ListAsync(string account, int webHookId, int max, CancellationToken cancellationToken = default)
    {
        if (state.WebHook(webHookId) is not { } webHook || webHook.Account != account) return Task.FromResult<IReadOnlyList<DeliveryAttempt>>([]);
        // Attempts are stored in the order they were logged, which is their order in time but for attempts made in
        // parallel (a webhook's concurrency above 1): the newest few more than asked are ordered by their time.
        return Task.FromResult<IReadOnlyList<DeliveryAttempt>>([.. db.Read.Attempts.Query()
            .Where(EventKey.Range(webHookId, 0, EventKey.MaxSequence))
            .OrderByDescending(a => a.Key).Limit(max + 64).ToEnumerable()
            .OrderByDescending(a => a.Created).ThenByDescending(a => a.Key)
            .Take(max)
            .Select(a => a.ToRecord())]);
    }

    /// <summary>
    /// Deletes the attempts older than <paramref name="cutoff"/>. Writer thread only. Per webhook, its attempts are one
    /// key range in time order: only the old ones are read, up to the first that is recent enough. (Attempts go with
    /// their webhook when it is deleted, and none is added for a webhook that is gone, so the live webhooks own them all.)
    /// </summary>
    public long Purge(Collections c, DateTime cutoff)
    {
        long deleted = 0;
        foreach (var owner in state.WebHooks.Select(w => w.Id).ToList())
        {
            var lastOld = 0L;
            foreach (var attempt in c.Attempts.Find(EventKey.Range(owner, 0, EventKey.MaxSequence)))
            {
                if (attempt.Created >= cutoff) break;
                lastOld = EventKey.SequenceOf(attempt.Key);
            }
            if (lastOld > 0) deleted += c.Attempts.DeleteMany(EventKey.Range(owner, 0, lastOld));
        }
        return deleted;
    }

    private static long LastNumber(Collections c, int webHookId) =>
        c.Attempts.Query().Where(EventKey.Range(webHookId, 0, EventKey.MaxSequence)).OrderByDescending(a => a.Key).Limit(1).FirstOrDefault() is { } last
            ? EventKey.SequenceOf(last.Key)
            : 0;
}
