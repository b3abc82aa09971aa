using System.Collections.Concurrent;
using System.Diagnostics;

namespace WebHooks.Storage.LiteDb;

/// <summary>
/// Lane leases of the one process that owns the file: in memory (a restart voids them all, as it should), on the
/// monotonic clock, with the same fencing rules as leases in a shared database.
/// </summary>
internal sealed class LaneLeases(TimeSpan duration)
{
    private readonly ConcurrentDictionary<int, (Guid Token, long Until)> _leases = new();

    public TimeSpan Duration { get; } = duration;

    public bool IsLeased(int webHookId) =>
        _leases.TryGetValue(webHookId, out var lease) && lease.Until > Stopwatch.GetTimestamp();

    /// <summary>A new token, unless a live lease exists.</summary>
    public Guid? TryTake(int webHookId)
    {
        var now = Stopwatch.GetTimestamp();
        var token = Guid.NewGuid();
        var taken = _leases.AddOrUpdate(webHookId, _ => (token, Until(now)), (_, held) => held.Until > now ? held : (token, Until(now)));
        return taken.Token == token ? token : null;
    }

    /// <summary>Does <paramref name="token"/> still hold the lane? Renews it when it does.</summary>
    public bool Renew(int webHookId, Guid token)
    {
        var now = Stopwatch.GetTimestamp();
        while (_leases.TryGetValue(webHookId, out var held))
        {
            if (held.Token != token || held.Until <= now) return false;
            if (_leases.TryUpdate(webHookId, (token, Until(now)), held)) return true;
        }
        return false;
    }

    public bool Holds(int webHookId, Guid token) =>
        _leases.TryGetValue(webHookId, out var held) && held.Token == token && held.Until > Stopwatch.GetTimestamp();

    public void Release(int webHookId, Guid token)
    {
        if (_leases.TryGetValue(webHookId, out var held) && held.Token == token)
            _leases.TryRemove(new KeyValuePair<int, (Guid, long)>(webHookId, held));
    }

    private long Until(long now) => now + (long)(Duration.TotalSeconds * Stopwatch.Frequency);
}
