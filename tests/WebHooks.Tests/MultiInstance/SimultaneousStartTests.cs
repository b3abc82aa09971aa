using System.Text.RegularExpressions;
using Npgsql;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.MultiInstance;

/// <summary>
/// Spec 9: the schema is created and migrated at start, safely when several instances start at once; <c>migrate</c>
/// does the same and exits.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
[TestCategory("PostgreSql")]
[TestCategory("Slow")]
public sealed partial class SimultaneousStartTests
{
    [TestMethod]
    public async Task Two_instances_starting_at_once_on_an_empty_database_both_come_up_and_migrate_it_once()
    {
        await using var database = await EmptyDatabase.CreateAsync();
        string[] settings = ["--WebHooks:Storage:Provider=PostgreSql", $"--WebHooks:Storage:ConnectionString={database.ConnectionString}"];

        var starts = new[] { ServiceProcess.StartWithAsync(settings), ServiceProcess.StartWithAsync(settings) };
        try
        {
            await Task.WhenAll(starts);
        }
        finally
        {
            // Whichever came up is stopped if the other did not.
            if (!starts.All(s => s.IsCompletedSuccessfully))
                foreach (var start in starts.Where(s => s.IsCompletedSuccessfully)) await start.Result.DisposeAsync();
        }
        await using var first = starts[0].Result;
        await using var second = starts[1].Result;

        // Each migration ran once, by one of them; the other found it done.
        var applied = MigrationApplied().Matches(first.Output + second.Output).Select(m => m.Groups[1].Value).ToList();
        Assert.IsTrue(applied.Count > 0, $"no migration was logged:\n{first.Output}\n{second.Output}");
        Assert.AreEqual(applied.Count, applied.Distinct().Count(), $"a migration ran twice: {string.Join(", ", applied)}");
        CollectionAssert.AreEquivalent(applied, await database.AppliedMigrationsAsync());

        // Both serve the one database: a webhook made on one is listed on the other.
        var id = await Cluster.CreateWebHookAsync(first, "https://hooks.example.com/a");
        CollectionAssert.AreEqual(new[] { id }, await Cluster.ListWebHooksAsync(second));

        // The command line migrates too, and finds nothing left to do.
        var before = await database.AppliedMigrationsAsync();
        var (exitCode, output, error) = await ServiceProcess.RunCommandAsync(null, ["migrate", .. settings]);
        Assert.AreEqual(0, exitCode, output + error);
        StringAssert.Contains(output, "the database schema is up to date");
        CollectionAssert.AreEqual(before, await database.AppliedMigrationsAsync());
        Console.WriteLine($"two instances started at once on an empty database; migrations applied once: {string.Join(", ", applied)}; " +
                          $"`migrate` afterwards: {(output + error).Trim().Split('\n').LastOrDefault()}");
    }

    [TestMethod]
    public async Task The_migrate_command_creates_the_schema_of_an_empty_database_and_exits()
    {
        await using var database = await EmptyDatabase.CreateAsync();
        string[] settings = ["--WebHooks:Storage:Provider=PostgreSql", $"--WebHooks:Storage:ConnectionString={database.ConnectionString}"];

        var (exitCode, output, error) = await ServiceProcess.RunCommandAsync(null, ["migrate", .. settings]);

        Assert.AreEqual(0, exitCode, output + error);
        StringAssert.Contains(output, "the database schema is up to date");
        var applied = await database.AppliedMigrationsAsync();
        Assert.IsTrue(applied.Count > 0 && applied[0].StartsWith("0001_", StringComparison.Ordinal), string.Join(", ", applied));

        // An instance then starts on it without migrating anything.
        await using var instance = await ServiceProcess.StartWithAsync(settings);
        Assert.AreEqual(0, MigrationApplied().Matches(instance.Output).Count, instance.Output);
        CollectionAssert.AreEqual(applied, await database.AppliedMigrationsAsync());
    }

    [GeneratedRegex(@"applied migration (\S+)")]
    private static partial Regex MigrationApplied();

    /// <summary>A database of its own, with nothing in it (dropped at the end, whoever is still connected).</summary>
    private sealed class EmptyDatabase(string server, string name) : IAsyncDisposable
    {
        public string ConnectionString => new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;

        public static async Task<EmptyDatabase> CreateAsync()
        {
            var server = PostgreSqlServer.ConnectionString;
            var name = "d_" + Guid.NewGuid().ToString("N");
            await ExecuteAsync(server, $"CREATE DATABASE {name}");
            return new EmptyDatabase(server, name);
        }

        public async Task<List<string>> AppliedMigrationsAsync()
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT name FROM schema_migrations ORDER BY version", connection);
            var names = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) names.Add(reader.GetString(0));
            return names;
        }

        public async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }

        private static async Task ExecuteAsync(string server, string sql)
        {
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
