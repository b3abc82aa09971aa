using System.Collections.Concurrent;

namespace WebHooks.Storage.PostgreSql;

/// <summary>
/// The last events appended to each stream, once committed (<see cref="StreamTails"/>): a lane that keeps up with its
/// webhook reads them here instead of in a round trip. This instance's appends come in after their commit (<see
/// cref="Add"/>), other instances' with their wake-ups (<see cref="Heard"/>). Memory answers only for ranges it holds
/// whole:
/// <list type="bullet">
/// <item>sequences are numbered under the stream's row lock, so an append that memory missed between two it holds is a
/// gap, and the stream's memory starts again after it;</item>
/// <item>wake-ups are heard in commit order, and a stream's events commit in sequence order, so another instance's
/// append after our last one is heard before any later one. A wake-up that carries its events adds them (a
/// group commit of ours that finishes after it finds a later event held, and adds nothing older); one that does not
/// (they did not fit) forgets the streams of the webhooks it names before their lanes hear it, and a lane reads again
/// when it hears it, from the storage;</item>
/// <item>a group commit that was committing when memory forgot something does not add its events (the other instance
/// may have appended after them, and been forgotten already): <see cref="Epoch"/>;</item>
/// <item>a wake-up that names nothing forgets every stream; and memory is not read at all while the listener is not
/// listening (notifications sent meanwhile are lost);</item>
/// <item>a lane's first read after it claims its webhook goes to the storage (<see cref="Claimed"/>).</item>
/// </list>
/// </summary>
internal sealed class LocalTails
{
    private readonly Lock _lock = new();
    private readonly StreamTails _tails = new();
    private readonly ConcurrentDictionary<int, int> _streamOf = new();
    private readonly ConcurrentDictionary<int, bool> _claimed = new();
    private long _epoch;
    private volatile bool _listening;

    /// <summary>Changes whenever something is forgotten: taken before a group commit's transaction, given back to <see cref="Add"/>.</summary>
    public long Epoch => Interlocked.Read(ref _epoch);

    /// <summary>A webhook's stream (it never changes).</summary>
    public void Learn(int webHookId, int streamId) => _streamOf.TryAdd(webHookId, streamId);

    /// <summary>
    /// The webhooks were deleted (here, or by another instance's wake-up): what is known of them goes, so that deleted
    /// webhooks are not remembered for ever.
    /// </summary>
    public void Unlearn(IReadOnlyList<int> webHookIds)
    {
        foreach (var id in webHookIds)
        {
            _streamOf.TryRemove(id, out _);
            _claimed.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// After the commit: a group commit's events, in order (one group commit at a time). Forgets their streams instead
    /// when something was forgotten since <paramref name="epoch"/>, taken before the transaction began.
    /// </summary>
    public void Add(IReadOnlyList<(int Stream, StoredEvent Event)> stored, long epoch)
    {
        lock (_lock)
        {
            var forgotten = epoch != _epoch;
            foreach (var (stream, e) in stored)
            {
                if (!forgotten && _tails.Add(stream, e))
                {
                    // Memory was over its budget and dropped everything, maybe a later event of this stream heard meanwhile.
                    _epoch++;
                    forgotten = true;
                }
                if (forgotten) _tails.Forget(stream);
            }
        }
    }

    /// <summary>
    /// Another instance's wake-up carried the events it appended, in order: they join their streams' memory (a gap
    /// starts a stream again). A webhook it names whose stream it does not carry is forgotten.
    /// </summary>
    public void Heard(IReadOnlyList<(int Stream, StoredEvent Event)> events, IReadOnlyList<int> webHookIds)
    {
        lock (_lock)
        {
            foreach (var (stream, e) in events)
                if (_tails.Add(stream, e)) _epoch++; // dropped everything: group commits in flight must not fill memory
            foreach (var id in webHookIds)
                if (_streamOf.TryGetValue(id, out var stream) && !events.Any(e => e.Stream == stream))
                {
                    _epoch++;
                    _tails.Forget(stream);
                }
        }
    }

    /// <summary>
    /// A lane claimed the webhook: its first read goes to the storage. Another instance may have appended while no
    /// webhook of the stream was active (that names nobody), and memory cannot know; the claim comes after the change
    /// that started the lane, so that read sees those events.
    /// </summary>
    public void Claimed(int webHookId) => _claimed[webHookId] = true;

    /// <inheritdoc cref="StreamTails.TryRead"/>
    public bool TryRead(int webHookId, long after, long upTo, int max, out IReadOnlyList<StoredEvent> events)
    {
        events = [];
        return !_claimed.TryRemove(webHookId, out _) && _listening
            && _streamOf.TryGetValue(webHookId, out var stream) && _tails.TryRead(stream, after, upTo, max, out events);
    }

    /// <summary>
    /// Another instance wrote for these webhooks (all of them when none is named) and did not say what: their streams are
    /// read from the storage again.
    /// </summary>
    public void Forget(IReadOnlyList<int> webHookIds)
    {
        lock (_lock)
        {
            _epoch++;
            if (webHookIds.Count == 0) _tails.Clear();
            foreach (var id in webHookIds)
                if (_streamOf.TryGetValue(id, out var stream)) _tails.Forget(stream);
        }
    }

    /// <summary>
    /// Events of the stream were deleted here (retention). Retention on another instance deletes only what no webhook
    /// needs any more, which no lane reads (offsets only move forward), so it need not tell this one.
    /// </summary>
    public void ForgetStream(int streamId)
    {
        lock (_lock)
        {
            _epoch++;
            _tails.Forget(streamId);
        }
    }

    /// <summary>The listener listens (again): memory may answer, for what is appended from now on.</summary>
    public void Listening()
    {
        Forget([]);
        _listening = true;
    }

    /// <summary>The listener lost its connection: the storage answers every read until it listens again.</summary>
    public void Deaf()
    {
        _listening = false;
        Forget([]);
    }
}
