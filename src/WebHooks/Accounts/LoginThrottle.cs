using System.Collections.Concurrent;

namespace WebHooks.Accounts;

/// <summary>
/// Refuses logins to a name that failed too often lately: after <see cref="MaxFailures"/> failures
/// within <see cref="Window"/>, every login to it fails until the window has passed since the last one.
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    public const int MaxFailures = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);

    public bool IsThrottled(string name)
    {
        if (!_failures.TryGetValue(name, out var failures)) return false;
        lock (failures)
        {
            return failures.Count >= MaxFailures && time.GetUtcNow() - failures.Last < Window;
        }
    }

    public void Failed(string name)
    {
        var now = time.GetUtcNow();
        var failures = _failures.GetOrAdd(name, _ => new Failures());
        lock (failures)
        {
            if (now - failures.Last >= Window) failures.Count = 0;
            failures.Count++;
            failures.Last = now;
        }
        if (_failures.Count > 100_000) Prune(now);
    }

    public void Succeeded(string name) => _failures.TryRemove(name, out _);

    private void Prune(DateTimeOffset now)
    {
        foreach (var (name, failures) in _failures)
            if (now - failures.Last >= Window) _failures.TryRemove(name, out _);
    }

    private sealed class Failures
    {
        public int Count;
        public DateTimeOffset Last;
    }
}
