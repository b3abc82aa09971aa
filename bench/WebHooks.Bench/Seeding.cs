using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using WebHooks.Accounts;
using WebHooks.Storage;
using WebHooks.Storage.LiteDb;
using WebHooks.Storage.PostgreSql;

namespace WebHooks.Bench;

/// <summary>
/// The benchmark's accounts, written straight into each service's storage before the service starts: what
/// <c>WebHooks.Service accounts add NAME --password-stdin</c> stores, without fifty CLI processes. The password hashes
/// (PBKDF2, the slow part) are computed once for the whole run.
/// </summary>
public sealed class Seeding
{
    private readonly IReadOnlyList<Account> _accounts;

    private Seeding(IReadOnlyList<(string Name, string Password)> credentials, IReadOnlyList<Account> accounts)
    {
        Credentials = credentials;
        _accounts = accounts;
    }

    public IReadOnlyList<(string Name, string Password)> Credentials { get; }

    public static async Task<Seeding> CreateAsync(int count)
    {
        (string Name, string Password)[] credentials = [.. Enumerable.Range(0, count).Select(i => ($"bench{i:D3}", $"bench-password-{i:D3}"))];
        var accounts = await Task.WhenAll(credentials.Select(c => Task.Run(() =>
            new Account(AccountName.Normalize(c.Name), PasswordHasher.Hash(c.Password), null, DateTime.UtcNow))));
        return new Seeding(credentials, accounts);
    }

    /// <summary>
    /// Prepares the storage of a service run in <paramref name="directory"/> (LiteDB: a file there; PostgreSQL: a fresh
    /// schema named after the folder) with the accounts, and returns the service's storage settings.
    /// </summary>
    public async Task<IReadOnlyList<string>> PrepareAsync(string directory, string? postgres)
    {
        Directory.CreateDirectory(directory);
        if (postgres is null)
        {
            var path = Path.Combine(directory, "webhooks.db");
            await using var storage = LiteDbStorage.Open(new LiteDbStorageOptions { Path = path }, NullLogger.Instance);
            await AddAccountsAsync(storage);
            return [$"--WebHooks:Storage:Path={path}"];
        }

        var schema = "bench_" + new string([.. Path.GetFileName(directory).Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_')]);
        await using (var connection = new NpgsqlConnection(postgres))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}", connection);
            await command.ExecuteNonQueryAsync();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(postgres) { SearchPath = schema }.ConnectionString;
        await using (var storage = PostgreSqlStorage.Create(new PostgreSqlStorageOptions { ConnectionString = connectionString }, NullLoggerFactory.Instance))
        {
            await storage.MigrateAsync();
            await AddAccountsAsync(storage);
        }
        return ["--WebHooks:Storage:Provider=PostgreSql", $"--WebHooks:Storage:ConnectionString={connectionString}"];
    }

    private async Task AddAccountsAsync(IWebHooksStorage storage)
    {
        foreach (var account in _accounts)
            if (!await storage.Accounts.AddAsync(account)) throw new BenchException($"the account {account.Name} exists already");
    }
}
