using WebHooks.Lifecycle;

namespace WebHooks.Storage.LiteDb;

internal sealed class EventStore(Database db, MemoryState state, StreamTails tails) : IEventStore
{
    public Task<Appended> AppendAsync(NewEvent e, CancellationToken cancellationToken = default) => db.WriteAsync(c =>
    {
        var idempotencyId = e.IdempotencyKey is { Length: > 0 } key ? Upgrade.IdempotencyId(e.Account, key) : null;
        if (idempotencyId is not null && c.Idempotency.FindById(idempotencyId) is { } earlier
            && earlier.Id == idempotencyId && e.Now - earlier.Created < e.IdempotencyWindow)
            return new Appended(earlier.EventId, earlier.WebHooks, [], [], Repeated: true);

        List<int> queued = [], dropped = [];
        var kept = 0;
        // No webhook, no stream: an event nobody listens to is not stored.
        if (state.FindStream(e.Account, e.Event) is { } streamId)
        {
            var head = state.Head(streamId);
            foreach (var webHook in state.WebHooksOfStream(streamId))
            {
                if (BufferRules.Keeps(webHook.Active, webHook.Deactivated, e.Now, e.BufferPeriod))
                {
                    kept++;
                    if (webHook.Active) queued.Add(webHook.Id);
                    continue;
                }
                var closed = webHook.Copy();
                closed.DroppedEvents++;
                closed.BufferClosedAt ??= head;
                state.Put(c, closed);
                dropped.Add(webHook.Id);
            }
            if (kept > 0)
            {
                var published = e.Now > state.LastPublished(streamId) ? e.Now : state.LastPublished(streamId);
                var stored = new StoredEvent(head + 1, e.EventId, e.Event, published, e.Data);
                c.Append(streamId, stored);
                state.Appended(streamId, head + 1, published);
                c.AfterCommit(() => tails.Add(streamId, stored));
            }
        }
        var recent = state.NextRecent(c, e.Account, e.Event);
        c.AppendRecent(e.Account, new StoredEvent(recent, e.EventId, e.Event, e.Now, e.Data), () => state.NextRecentSlot(c, e.Account, e.Event));
        if (idempotencyId is not null)
            c.Idempotency.Upsert(new IdempotencyDocument { Id = idempotencyId, Created = e.Now, EventId = e.EventId, WebHooks = kept });
        return new Appended(e.EventId, kept, queued, dropped);
    });

    public Task<IReadOnlyList<StoredEvent>> ReadAsync(int webHookId, long after, long upTo, int max, CancellationToken cancellationToken = default)
    {
        if (state.WebHook(webHookId) is not { } webHook || upTo <= after) return Task.FromResult<IReadOnlyList<StoredEvent>>([]);
        if (tails.TryRead(webHook.StreamId, after, upTo, max, out var held)) return Task.FromResult(held);
        return Task.FromResult(Read(db.Read, webHook.StreamId, webHook.Event, after, upTo, max));
    }

    /// <summary>The stream's events in (<paramref name="after"/>, <paramref name="upTo"/>], at most <paramref name="max"/>, from the file.</summary>
    internal static IReadOnlyList<StoredEvent> Read(Collections c, int streamId, string eventName, long after, long upTo, int max) =>
        // Each block holds one event at least: `max` blocks hold `max` events.
        [.. EventDocument.ReadAfter(c.Events, streamId, eventName, after, maxBlocks: max).TakeWhile(e => e.Sequence <= upTo).Take(max)];

    public Task<IReadOnlyList<StoredEvent>> RecentAsync(string account, string eventName, int max, CancellationToken cancellationToken = default)
    {
        // The slots may hold more than the ring's size between them (each write takes one): the newest count.
        var ring = RecentEventDocument.ReadRing(db.Read.RecentEvents, account, eventName).SelectMany(s => s.Document.Events(eventName));
        return Task.FromResult<IReadOnlyList<StoredEvent>>([.. ring.OrderByDescending(e => e.Sequence).Take(Math.Min(max, Events.RecentEvents.Kept))]);
    }
}
