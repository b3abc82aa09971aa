using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace WebHooks.Storage.PostgreSql.Migrations;

/// <summary>
/// Applies the embedded migrations (<c>Migrations/NNNN_name.sql</c>) that the schema has not seen yet, in order, in
/// one transaction, and records each in <c>schema_migrations</c>. Instances that start at once queue on a transaction
/// advisory lock whose key is derived from the schema, so each migration runs once and per-test schemas do not wait
/// for each other; a failed migration leaves nothing behind.
/// </summary>
internal sealed class Migrator(Database database, ILogger logger)
{
    private const string ResourcePrefix = "WebHooks.Storage.PostgreSql.Migrations.";

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var migrations = Embedded();
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            var schema = await connection.Command("SELECT current_schema()", transaction).ScalarAsync<string>(cancellationToken)
                ?? throw new InvalidOperationException(
                    $"{database.Describe()}: no schema of the search path exists; create it, or fix Search Path in the connection string");

            await connection.Command("SELECT pg_advisory_xact_lock(hashtextextended('webhooks.migrate.' || current_schema(), 0))", transaction)
                .ExecuteAsync(cancellationToken);
            await connection.Command("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY,
                    name    text NOT NULL,
                    applied timestamptz NOT NULL DEFAULT now()
                )
                """, transaction).ExecuteAsync(cancellationToken);

            var applied = (await connection.Command("SELECT version FROM schema_migrations", transaction)
                .ListAsync(r => r.GetInt32(0), cancellationToken)).ToHashSet();
            foreach (var migration in migrations.Where(m => !applied.Contains(m.Version)))
            {
                await connection.Command(migration.Sql, transaction).ExecuteAsync(cancellationToken);
                await connection.Command("INSERT INTO schema_migrations (version, name) VALUES (@version, @name)", transaction)
                    .With("version", migration.Version).With("name", migration.Name).ExecuteAsync(cancellationToken);
                logger.LogInformation("Schema {Schema}: applied migration {Name}", schema, migration.Name);
            }
            return true;
        }, cancellationToken);
    }

    internal sealed record Migration(int Version, string Name, string Sql);

    internal static IReadOnlyList<Migration> Embedded()
    {
        var assembly = typeof(Migrator).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix) && n.EndsWith(".sql")))
        {
            var name = resource[ResourcePrefix.Length..^".sql".Length];
            var digits = new string(name.TakeWhile(char.IsAsciiDigit).ToArray());
            if (digits.Length == 0) throw new InvalidOperationException($"migration {name} does not start with its version number");
            migrations.Add(new Migration(int.Parse(digits), name, Read(assembly, resource)));
        }
        if (migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InvalidOperationException($"two migrations have version {twice.Key}");
        return [.. migrations.OrderBy(m => m.Version)];
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
