namespace WebHooks.Storage;

/// <summary>
/// The last events of each stream, kept in memory once they are durable, so that lanes that read what was just
/// published read memory instead of the storage: all the lanes of a fan-out read the same events, and a lane that keeps
/// up reads only recent ones. A lane that is further behind (a replay, a backlog) reads the storage as before.
/// </summary>
/// <remarks>
/// Filled by the storage once a group commit is durable, in sequence order, so it never holds an event that was not
/// acknowledged (LiteDB: on the writer thread after the fdatasync; PostgreSQL: <c>LocalTails</c>). A stream holds its last <see cref="PerStream"/> events; all streams together at most
/// <see cref="MaxBytes"/> of data (over that, everything is dropped and refills with the streams in use).
/// </remarks>
internal sealed class StreamTails
{
    public const int PerStream = 64;
    public const long MaxBytes = 16 * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<int, Ring> _streams = [];
    private long _bytes;

    /// <summary>
    /// After the commit is durable: the next event of the stream. An event at or before the stream's last one is held
    /// already (or older than what is held), and changes nothing. Returns true when memory was over its budget and
    /// everything else was dropped first.
    /// </summary>
    public bool Add(int streamId, StoredEvent e)
    {
        lock (_lock)
        {
            var cleared = _bytes > MaxBytes;
            if (cleared)
            {
                _streams.Clear();
                _bytes = 0;
            }
            if (!_streams.TryGetValue(streamId, out var ring)) _streams[streamId] = ring = new Ring();
            _bytes += ring.Add(e);
            return cleared;
        }
    }

    /// <summary>
    /// The stream's events in (<paramref name="after"/>, <paramref name="upTo"/>], at most <paramref name="max"/>, when
    /// they are all held here; false when the storage must be read. An empty answer means none is durable yet beyond
    /// <paramref name="after"/> (the lane hears of the next one when it is acknowledged).
    /// </summary>
    public bool TryRead(int streamId, long after, long upTo, int max, out IReadOnlyList<StoredEvent> events)
    {
        events = [];
        lock (_lock)
        {
            if (!_streams.TryGetValue(streamId, out var ring) || !ring.Covers(after)) return false;
            events = ring.Read(after, upTo, max);
            return true;
        }
    }

    /// <summary>Events of the stream were deleted (retention) or written elsewhere: its lanes read the storage until new events come.</summary>
    public void Forget(int streamId)
    {
        lock (_lock)
        {
            if (_streams.Remove(streamId, out var ring)) _bytes -= ring.Bytes;
        }
    }

    /// <summary>After a rollback or a reopen: the storage is read again until new events come.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _streams.Clear();
            _bytes = 0;
        }
    }

    /// <summary>Consecutive sequences; a gap (a stream whose events were not all seen) starts it again.</summary>
    private sealed class Ring
    {
        private readonly StoredEvent?[] _events = new StoredEvent?[PerStream];
        private long _last;
        private int _count;

        public long Bytes { get; private set; }

        /// <summary>Returns the change in bytes held.</summary>
        public long Add(StoredEvent e)
        {
            if (_count > 0 && e.Sequence <= _last) return 0;
            long change = 0;
            if (_count > 0 && e.Sequence != _last + 1)
            {
                for (var i = 0; i < PerStream; i++)
                {
                    change -= Size(_events[i]);
                    _events[i] = null;
                }
                _count = 0;
            }
            var slot = (int)(e.Sequence % PerStream);
            change += Size(e) - Size(_events[slot]);
            _events[slot] = e;
            _last = e.Sequence;
            _count = Math.Min(_count + 1, PerStream);
            Bytes += change;
            return change;
        }

        /// <summary>Everything after <paramref name="after"/> is here (or nothing is durable after it yet).</summary>
        public bool Covers(long after) => _count > 0 && after >= _last - _count && after <= _last;

        public IReadOnlyList<StoredEvent> Read(long after, long upTo, int max)
        {
            var end = Math.Min(Math.Min(upTo, _last), after + Math.Max(0, max));
            if (end <= after) return [];
            var events = new StoredEvent[end - after];
            for (var sequence = after + 1; sequence <= end; sequence++) events[sequence - after - 1] = _events[sequence % PerStream]!;
            return events;
        }

        private static long Size(StoredEvent? e) => e is null ? 0 : 2L * (e.Data.Length + e.EventId.Length) + 64;
    }
}
