using System.Collections.Concurrent;
using LiteDB;

namespace WebHooks.Storage;

/// <summary>
/// The event log: one append-only stream per (account, event type), each event stored once however
/// many webhooks listen. Appending and creating streams happen on the store's writer thread only;
/// reading works from any thread.
/// </summary>
public sealed class EventLog
{
    private readonly Store _store;
    private readonly ConcurrentDictionary<(string Account, string Event), int> _streamIds = new();
    private readonly ConcurrentDictionary<int, long> _lastSequence = new();
    private readonly Lock _reloadLock = new();

    public EventLog(Store store)
    {
        _store = store;
        Reload();
        store.OnRollback(Reload);
    }

    /// <summary>The stream's id, created if there is none yet. Writer thread only.</summary>
    public int StreamFor(string account, string eventName)
    {
        if (_streamIds.TryGetValue((account, eventName), out var id)) return id;
        id = _streamIds.IsEmpty ? 1 : _streamIds.Values.Max() + 1;
        _store.Streams.Insert(new StreamDocument { Id = id, Account = account, Event = eventName });
        _streamIds[(account, eventName)] = id;
        _lastSequence[id] = 0;
        return id;
    }

    public int? FindStream(string account, string eventName) =>
        _streamIds.TryGetValue((account, eventName), out var id) ? id : null;

    public long LastSequence(int streamId) => _lastSequence.GetValueOrDefault(streamId);

    /// <summary>Appends an event and returns its sequence number. Writer thread only.</summary>
    public long Append(int streamId, string eventId, DateTime published, string data)
    {
        var sequence = LastSequence(streamId) + 1;
        _store.Events.Insert(new EventDocument { Key = EventKey.Of(streamId, sequence), EventId = eventId, Published = published, Data = data });
        _lastSequence[streamId] = sequence;
        return sequence;
    }

    /// <summary>Up to <paramref name="max"/> events after <paramref name="afterSequence"/>, in order.</summary>
    public List<EventDocument> ReadAfter(int streamId, long afterSequence, int max, long upToSequence = EventKey.MaxSequence) =>
        [.. _store.Events.Find(Range(streamId, afterSequence, upToSequence), limit: max)];

    /// <summary>How many events lie in (<paramref name="afterSequence"/>, <paramref name="upToSequence"/>].</summary>
    public int Count(int streamId, long afterSequence, long upToSequence) =>
        upToSequence <= afterSequence ? 0 : _store.Events.Count(Range(streamId, afterSequence, upToSequence));

    /// <summary>The sequence of the last event after <paramref name="afterSequence"/> published at or before <paramref name="until"/>.</summary>
    public long LastPublishedBy(int streamId, long afterSequence, DateTime until)
    {
        var last = afterSequence;
        // Events are in publish order, so the first one past the moment ends the search.
        foreach (var e in _store.Events.Find(Range(streamId, afterSequence, EventKey.MaxSequence)))
        {
            if (e.Published > until) break;
            last = EventKey.SequenceOf(e.Key);
        }
        return last;
    }

    /// <summary>Deletes the stream's events up to and including <paramref name="upToSequence"/>. Writer thread only.</summary>
    public int DeleteUpTo(int streamId, long upToSequence) =>
        _store.Events.DeleteMany(Range(streamId, 0, upToSequence));

    public IEnumerable<int> StreamIds => _lastSequence.Keys;

    /// <summary>The stream's events in (<paramref name="afterSequence"/>, <paramref name="upToSequence"/>]: one range of the primary key.</summary>
    /// <remarks>
    /// Parameters, not literals: LiteDB caches a compiled expression by its text, and compiling one
    /// costs milliseconds (it was most of the delivery loop's CPU when the bounds were literals).
    /// </remarks>
    public static BsonExpression Range(int streamId, long afterSequence, long upToSequence) =>
        BsonExpression.Create("_id BETWEEN @0 AND @1",
            EventKey.Of(streamId, afterSequence + 1), EventKey.Of(streamId, Math.Min(upToSequence, EventKey.MaxSequence)));

    private void Reload()
    {
        lock (_reloadLock)
        {
            _streamIds.Clear();
            _lastSequence.Clear();
            foreach (var stream in _store.Streams.FindAll())
            {
                _streamIds[(stream.Account, stream.Event)] = stream.Id;
                var last = _store.Events.Query().Where(Range(stream.Id, 0, EventKey.MaxSequence))
                    .OrderByDescending(e => e.Key).FirstOrDefault();
                _lastSequence[stream.Id] = last is null ? 0 : EventKey.SequenceOf(last.Key);
            }
            // Retention may have deleted every event of a stream: its consumers still remember how far it went.
            foreach (var webHook in _store.WebHooks.FindAll())
            {
                var floor = Math.Max(webHook.Delivered, webHook.ResumeAfter);
                if (floor > _lastSequence.GetValueOrDefault(webHook.StreamId)) _lastSequence[webHook.StreamId] = floor;
            }
        }
    }
}
