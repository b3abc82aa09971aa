using Npgsql;
using WebHooks.Storage.PostgreSql.Signals;

namespace WebHooks.Storage.PostgreSql;

/// <summary>Accounts and their API keys. Names arrive normalised (lower case) and are compared exactly.</summary>
internal sealed class AccountStore(Database database, LocalTails tails) : IAccountStore
{
    public Task<bool> AddAsync(Account account, CancellationToken cancellationToken = default) =>
        database.RunAsync(async c => await c.Command("""
                INSERT INTO accounts (name, password_hash, email, created) VALUES (@name, @hash, @email, @created)
                ON CONFLICT (name) DO NOTHING
                """)
            .With("name", account.Name).With("hash", account.PasswordHash).With("email", account.Email).With("created", account.Created)
            .ExecuteAsync(cancellationToken) == 1, cancellationToken);

    public Task<Account?> FindAsync(string name, CancellationToken cancellationToken = default) =>
        database.RunAsync(c => c.Command(FindSql).With("name", name).SingleOrDefaultAsync(ReadAccount, cancellationToken), cancellationToken);

    private const string FindSql = "SELECT name, password_hash, email, created FROM accounts WHERE name = @name";

    public Task<IReadOnlyList<Account>> ListAsync(CancellationToken cancellationToken = default) =>
        database.RunAsync<IReadOnlyList<Account>>(async c => await c.Command(
                """SELECT name, password_hash, email, created FROM accounts ORDER BY name COLLATE "C" """)
            .ListAsync(ReadAccount, cancellationToken), cancellationToken);

    public async Task<IReadOnlyList<int>?> RemoveAsync(string name, CancellationToken cancellationToken = default)
    {
        var removed = await database.InTransactionAsync<IReadOnlyList<int>?>(async (c, tx) =>
        {
            // Keeps CreateAsync from adding a webhook meanwhile. NO KEY UPDATE, not UPDATE: a lane that is
            // deactivating one of the webhooks holds the webhook row and takes KEY SHARE on this row for its
            // notification; with FOR UPDATE the two would deadlock.
            var exists = await c.Command("SELECT true FROM accounts WHERE name = @name FOR NO KEY UPDATE", tx)
                .With("name", name).ScalarAsync<bool>(cancellationToken);
            if (!exists) return null;

            var webHookIds = await c.Command("DELETE FROM webhooks WHERE account = @name RETURNING id", tx)
                .With("name", name).ListAsync(r => r.GetInt32(0), cancellationToken);
            await c.Command("""
                DELETE FROM notifications WHERE account = @name;
                DELETE FROM api_keys WHERE account = @name;
                DELETE FROM idempotency WHERE account = @name;
                DELETE FROM recent_events WHERE account = @name;
                DELETE FROM recent_heads WHERE account = @name;
                DELETE FROM accounts WHERE name = @name;
                """, tx).With("name", name).ExecuteAsync(cancellationToken);
            // The events of its streams are nobody's now: retention deletes them.
            await Wakeups.NotifyAsync(c, tx, database.Instance, webHookIds, WakeupKind.Deleted, cancellationToken);
            webHookIds.Sort();
            return webHookIds;
        }, cancellationToken);
        if (removed is not null) tails.Unlearn(removed);
        return removed;
    }

    public Task AddApiKeyAsync(ApiKey key, CancellationToken cancellationToken = default) =>
        database.RunAsync(c => c.Command("INSERT INTO api_keys (hash, account, prefix, created) VALUES (@hash, @account, @prefix, @created)")
            .With("hash", key.Hash).With("account", key.Account).With("prefix", key.Prefix).With("created", key.Created)
            .ExecuteAsync(cancellationToken), cancellationToken);

    public Task<ApiKey?> FindApiKeyAsync(string hash, CancellationToken cancellationToken = default) =>
        database.RunAsync(c => c.Command("SELECT hash, account, prefix, created FROM api_keys WHERE hash = @hash AND revoked IS NULL")
            .With("hash", hash)
            .SingleOrDefaultAsync(r => new ApiKey(r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTime>(3)), cancellationToken),
            cancellationToken);

    public Task<bool> RevokeApiKeyAsync(string account, string hash, DateTime now, CancellationToken cancellationToken = default) =>
        database.RunAsync(async c => await c.Command(
                "UPDATE api_keys SET revoked = @now WHERE hash = @hash AND account = @account AND revoked IS NULL")
            .With("now", now).With("hash", hash).With("account", account).ExecuteAsync(cancellationToken) == 1, cancellationToken);

    private static Account ReadAccount(NpgsqlDataReader r) => ReadAccount(r, first: 0);

    /// <summary>An account from the row's columns from <paramref name="first"/> on: name, password hash, email, created.</summary>
    internal static Account ReadAccount(NpgsqlDataReader r, int first) =>
        new(r.GetString(first), r.GetString(first + 1), r.NullableString(first + 2), r.GetFieldValue<DateTime>(first + 3));
}
