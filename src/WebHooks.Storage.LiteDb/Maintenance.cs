using System.Collections.Concurrent;
using WebHooks.Lifecycle;

namespace WebHooks.Storage.LiteDb;

internal sealed class Maintenance(Database db, MemoryState state, AttemptStore attempts, RecentEvents recent) : IMaintenance
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _leaders = new(StringComparer.Ordinal);

    public Task<RetentionResult> PurgeAsync(RetentionPolicy policy, CancellationToken cancellationToken = default) => db.WriteAsync(c =>
    {
        int purgedBuffers = 0;
        long purgedEvents = 0, deletedEvents = 0;
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
                        purgedBuffers++;
                        purgedEvents += discarded;
                    }
                }
                needed.AddRange(RetentionRules.Needed(record, policy.Now, policy.BufferPeriod));
            }
            foreach (var (after, upTo) in RetentionRules.Unneeded(needed, head))
            {
                deletedEvents += c.Events.DeleteMany(EventKey.Range(streamId, after, upTo));
                recent.Forget(streamId); // what it holds may be gone from the file now
            }
        }

        var idempotencyCutoff = policy.Now - policy.IdempotencyWindow;
        var deletedKeys = c.Idempotency.DeleteMany(i => i.Created < idempotencyCutoff);
        var deletedAttempts = attempts.Purge(c, policy.Now - policy.AttemptRetention);
        return new RetentionResult(purgedBuffers, purgedEvents, deletedEvents, deletedKeys, deletedAttempts);
    });

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
            var next = db.Read.Events.Find(EventKey.Range(webHook.StreamId, webHook.Delivered, webHook.Offset.ReadLimit(long.MaxValue)), limit: 1).FirstOrDefault();
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
