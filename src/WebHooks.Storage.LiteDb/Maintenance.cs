using System.Collections.Concurrent;
using WebHooks.Lifecycle;

namespace WebHooks.Storage.LiteDb;

internal sealed class Maintenance(Database db, MemoryState state, AttemptStore attempts, StreamTails tails) : IMaintenance
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _leaders = new(StringComparer.Ordinal);

    /// <summary>Events deleted per write: a large backlog is deleted in many short writes, never in one that holds the writer.</summary>
    private const int DeleteChunk = 2_000;

    /// <summary>
    /// Decides in one write (buffers past their retention are discarded, the unneeded ranges found), then deletes those
    /// ranges in chunks of background writes: a pass over a million events does not hold up publishing. Needed ranges
    /// only shrink meanwhile (offsets move forward; new webhooks start at the head), so what was unneeded stays so.
    /// </summary>
    public async Task<RetentionResult> PurgeAsync(RetentionPolicy policy, CancellationToken cancellationToken = default)
    {
        var (purgedBuffers, purgedEvents, unneeded) = await db.WriteAsync(c =>
        {
            int buffers = 0;
            long discardedEvents = 0;
            var ranges = new List<(int StreamId, long After, long UpTo)>();
            foreach (var streamId in state.StreamIds.ToList())
            {
                var head = state.Head(streamId);
                var needed = new List<(long, long)>();
                foreach (var webHook in state.WebHooksOfStream(streamId).ToList())
                {
                    var record = state.Record(webHook);
                    if (RetentionRules.BufferExpired(record, policy.Now, policy.BufferRetention))
                    {
                        var (offset, discarded) = webHook.Offset.Discard(BufferRules.LastBuffered(record), head);
                        var purged = webHook.Copy();
                        purged.Offset = offset;
                        state.Put(c, purged);
                        record = state.Record(purged);
                        if (discarded > 0)
                        {
                            buffers++;
                            discardedEvents += discarded;
                        }
                    }
                    needed.AddRange(RetentionRules.Needed(record, policy.Now, policy.BufferPeriod));
                }
                foreach (var (after, upTo) in RetentionRules.Unneeded(needed, head)) ranges.Add((streamId, after, upTo));
            }
            return (buffers, discardedEvents, ranges);
        });

        long deletedEvents = 0;
        foreach (var (streamId, after, upTo) in unneeded)
        {
            for (var from = after; from < upTo; from += DeleteChunk)
            {
                var chunkAfter = from;
                var chunkUpTo = Math.Min(upTo, from + DeleteChunk);
                deletedEvents += await db.WriteAsync(c =>
                {
                    tails.Forget(streamId); // what it holds may be gone from the file now
                    // Whole blocks only: one that begins at or before `after` holds needed events and stays.
                    var blocks = c.Events.Find(EventKey.Range(streamId, chunkAfter, chunkUpTo)).Where(b => b.First > after).Select(b => (b.Key, b.Count)).ToList();
                    foreach (var (key, _) in blocks) c.Events.Delete(key);
                    return blocks.Sum(b => (long)b.Count);
                }, background: true);
            }
        }

        var (deletedKeys, deletedAttempts) = await db.WriteAsync(c =>
        {
            var idempotencyCutoff = policy.Now - policy.IdempotencyWindow;
            return (c.Idempotency.DeleteMany(i => i.Created < idempotencyCutoff), attempts.Purge(c, policy.Now - policy.AttemptRetention));
        }, background: true);
        return new RetentionResult(purgedBuffers, purgedEvents, deletedEvents, deletedKeys, deletedAttempts);
    }

    /// <summary>One process owns the file: leadership is a lock of that process.</summary>
    public Task<IAsyncDisposable?> TryLeadAsync(string job, CancellationToken cancellationToken = default)
    {
        var gate = _leaders.GetOrAdd(job, _ => new SemaphoreSlim(1, 1));
        return Task.FromResult<IAsyncDisposable?>(gate.Wait(0) ? new Leadership(gate) : null);
    }

    public Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            _ = db.Read.Settings.FindById("ping");
            return Task.FromResult(db.IsAvailable);
        }
        catch (Exception e) when (e is StorageUnavailableException or IOException or ObjectDisposedException or LiteDB.LiteException)
        {
            return Task.FromResult(false);
        }
    }

    public Task<DateTime?> OldestUndeliveredAsync(CancellationToken cancellationToken = default)
    {
        DateTime? oldest = null;
        foreach (var webHook in state.WebHooks.Where(w => w.Active && w.Offset.HasWork(state.Head(w.StreamId))))
        {
            var next = EventStore.Read(db.Read, webHook.StreamId, webHook.Event, webHook.Delivered, webHook.Offset.ReadLimit(long.MaxValue), 1).FirstOrDefault();
            if (next is not null && (oldest is null || next.Published < oldest)) oldest = next.Published;
        }
        return Task.FromResult(oldest);
    }

    private sealed class Leadership(SemaphoreSlim gate) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
            return ValueTask.CompletedTask;
        }
    }
}
