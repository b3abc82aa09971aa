using System.Collections.Concurrent;

namespace WebHooks.Storage.LiteDb;

/// <summary>Keys live in the file; the login throttle lives in memory, since one process owns the file.</summary>
internal sealed class SharedState(Database db) : ISharedState
{
    private const string DataProtectionPrefix = "data-protection-key:";
    private readonly ConcurrentDictionary<string, LoginFailures> _failures = new(StringComparer.Ordinal);

    public async Task<byte[]> GetOrCreateKeyAsync(string name, Func<byte[]> create, CancellationToken cancellationToken = default)
    {
        var stored = db.Read.Setting(name) ?? await db.WriteAsync(c =>
        {
            if (c.Setting(name) is { } existing) return existing;
            var created = Convert.ToBase64String(create());
            c.SetSetting(name, created);
            return created;
        });
        return Convert.FromBase64String(stored);
    }

    public Task<LoginFailures?> GetLoginFailuresAsync(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(_failures.GetValueOrDefault(key));

    public Task<LoginFailures> AddLoginFailureAsync(string key, DateTime now, TimeSpan window, CancellationToken cancellationToken = default)
    {
        var failures = _failures.AddOrUpdate(key,
            _ => new LoginFailures(key, 1, now),
            (_, held) => now - held.Last >= window ? new LoginFailures(key, 1, now) : held with { Count = held.Count + 1, Last = now });
        if (_failures.Count > 100_000)
            foreach (var (stale, held) in _failures)
                if (now - held.Last >= window) _failures.TryRemove(stale, out _);
        return Task.FromResult(failures);
    }

    public Task ClearLoginFailuresAsync(string key, CancellationToken cancellationToken = default)
    {
        _failures.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> GetDataProtectionKeysAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. db.Read.Settings.Find(s => s.Name.StartsWith(DataProtectionPrefix)).Select(s => s.Value)]);

    public Task StoreDataProtectionKeyAsync(string name, string xml, CancellationToken cancellationToken = default) =>
        db.WriteAsync(c =>
        {
            c.SetSetting(DataProtectionPrefix + name, xml);
            return true;
        });
}
