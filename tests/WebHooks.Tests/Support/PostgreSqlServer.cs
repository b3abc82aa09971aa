using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using WebHooks.Storage.PostgreSql;

namespace WebHooks.Tests.Support;

/// <summary>
/// The PostgreSQL server of the storage tests, named by <c>WEBHOOKS_TEST_POSTGRES</c> (.ci/postgres starts one and
/// prints it). Without it the tests are inconclusive, except under <c>CI=true</c>, where they fail: a green CI never
/// means that no PostgreSQL test ran.
/// </summary>
internal static class PostgreSqlServer
{
    public const string Variable = "WEBHOOKS_TEST_POSTGRES";

    public static string ConnectionString
    {
        get
        {
            var connectionString = Environment.GetEnvironmentVariable(Variable);
            if (!string.IsNullOrWhiteSpace(connectionString)) return connectionString;
            var message = $"{Variable} is not set: start a server with eval \"$(.ci/postgres start)\"";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)) Assert.Fail(message);
            Assert.Inconclusive(message);
            return "";
        }
    }

    /// <summary>A new, empty schema of its own (dropped when disposed), so that tests never see each other's rows.</summary>
    public static async Task<TestSchema> CreateSchemaAsync()
    {
        var server = ConnectionString;
        var name = "t_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE SCHEMA {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(server) { SearchPath = name };
        return new TestSchema(server, name, builder.ConnectionString);
    }
}

internal sealed class TestSchema(string server, string name, string connectionString) : IAsyncDisposable
{
    public string Name => name;

    /// <summary>Connects to the server with this schema first in the search path.</summary>
    public string ConnectionString => connectionString;

    /// <summary>A storage on this schema (not migrated): several may share it, like instances of the service.</summary>
    public PostgreSqlStorage Open(TimeSpan? leaseDuration = null) =>
        PostgreSqlStorage.Create(new PostgreSqlStorageOptions
        {
            ConnectionString = connectionString,
            LeaseDuration = leaseDuration ?? TimeSpan.FromSeconds(30),
        }, NullLoggerFactory.Instance);

    public async ValueTask DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {name} CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
