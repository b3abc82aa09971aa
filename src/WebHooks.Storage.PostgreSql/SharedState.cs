using Npgsql;

namespace WebHooks.Storage.PostgreSql;

/// <summary>State every instance must see alike: named keys, the login throttle, data-protection keys.</summary>
internal sealed class SharedState(Database database) : ISharedState
{
    public Task<byte[]> GetOrCreateKeyAsync(string name, Func<byte[]> create, CancellationToken cancellationToken = default) =>
        database.RunAsync(async c =>
        {
            var existing = await c.Command("SELECT value FROM keys WHERE name = @name").With("name", name).ScalarAsync<byte[]>(cancellationToken);
            if (existing is not null) return existing;
            // Instances that start at once may each make a key: the first insert wins, and everybody reads that one.
            await c.Command("INSERT INTO keys (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING")
                .With("name", name).With("value", create()).ExecuteAsync(cancellationToken);
            return (await c.Command("SELECT value FROM keys WHERE name = @name").With("name", name).ScalarAsync<byte[]>(cancellationToken))!;
        }, cancellationToken);

    public Task<LoginFailures?> GetLoginFailuresAsync(string key, CancellationToken cancellationToken = default) =>
        database.RunAsync(c => c.Command(LoginFailuresSql).With("key", key).SingleOrDefaultAsync(ReadLoginFailures, cancellationToken), cancellationToken);

    private const string LoginFailuresSql = "SELECT key, count, last FROM login_failures WHERE key = @key";

    private static LoginFailures ReadLoginFailures(NpgsqlDataReader r) => ReadLoginFailures(r, first: 0);

    /// <summary>Failed logins from the row's columns from <paramref name="first"/> on: key, count, last.</summary>
    internal static LoginFailures ReadLoginFailures(NpgsqlDataReader r, int first) =>
        new(r.GetString(first), r.GetInt32(first + 1), r.GetFieldValue<DateTime>(first + 2));

    public Task<LoginFailures> AddLoginFailureAsync(string key, DateTime now, TimeSpan window, CancellationToken cancellationToken = default) =>
        // One upsert, so that failures counted at once on several instances all count.
        database.RunAsync(async c => (await c.Command("""
                INSERT INTO login_failures AS f (key, count, last) VALUES (@key, 1, @now)
                ON CONFLICT (key) DO UPDATE
                    SET count = CASE WHEN f.last <= @window_start THEN 1 ELSE f.count + 1 END, last = @now
                RETURNING key, count, last
                """)
            .With("key", key).With("now", now).With("window_start", now - window)
            .SingleOrDefaultAsync(ReadLoginFailures, cancellationToken))!,
            cancellationToken);

    public Task ClearLoginFailuresAsync(string key, CancellationToken cancellationToken = default) =>
        database.RunAsync(c => c.Command("DELETE FROM login_failures WHERE key = @key").With("key", key).ExecuteAsync(cancellationToken),
            cancellationToken);

    public Task<IReadOnlyList<string>> GetDataProtectionKeysAsync(CancellationToken cancellationToken = default) =>
        database.RunAsync<IReadOnlyList<string>>(async c => await c.Command("SELECT xml FROM dataprotection_keys ORDER BY name")
            .ListAsync(r => r.GetString(0), cancellationToken), cancellationToken);

    public Task StoreDataProtectionKeyAsync(string name, string xml, CancellationToken cancellationToken = default) =>
        database.RunAsync(c => c.Command("""
                INSERT INTO dataprotection_keys (name, xml) VALUES (@name, @xml)
                ON CONFLICT (name) DO UPDATE SET xml = excluded.xml
                """)
            .With("name", name).With("xml", xml).ExecuteAsync(cancellationToken), cancellationToken);
}
