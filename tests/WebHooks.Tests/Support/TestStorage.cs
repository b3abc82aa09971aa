using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace WebHooks.Tests.Support;

/// <summary>
/// Which storage the services of the end-to-end tests run on: <c>WEBHOOKS_TEST_STORAGE=PostgreSql</c> (the second pass
/// of .ci/run) puts them on the server of <see cref="PostgreSqlServer"/>, else they use LiteDB files. The same tests,
/// parameterised by the environment. A service's data is named by its folder: the LiteDB file in it, or a schema named
/// after it, so that a restart over the same folder finds the same data.
/// </summary>
internal static class TestStorage
{
    public const string Variable = "WEBHOOKS_TEST_STORAGE";

    public static bool IsPostgreSql =>
        string.Equals(Environment.GetEnvironmentVariable(Variable), "PostgreSql", StringComparison.OrdinalIgnoreCase);

    public static string Name => IsPostgreSql ? "PostgreSql" : "LiteDb";

    /// <summary>The configuration arguments of a service whose data belongs to <paramref name="directory"/>.</summary>
    public static string[] ArgumentsFor(string directory)
    {
        if (!IsPostgreSql) return [$"--WebHooks:Storage:Path={Path.Combine(directory, "webhooks.db")}"];
        var schema = SchemaOf(directory);
        using (var connection = new NpgsqlConnection(PostgreSqlServer.ConnectionString))
        {
            connection.Open();
            using var create = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS {schema}", connection);
            create.ExecuteNonQuery();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(PostgreSqlServer.ConnectionString) { SearchPath = schema }.ConnectionString;
        return ["--WebHooks:Storage:Provider=PostgreSql", $"--WebHooks:Storage:ConnectionString={connectionString}"];
    }

    /// <summary>Drops the data of <paramref name="directory"/> (its schema; its files go with the folder).</summary>
    public static void Drop(string directory)
    {
        if (!IsPostgreSql) return;
        using var connection = new NpgsqlConnection(PostgreSqlServer.ConnectionString);
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {SchemaOf(directory)} CASCADE", connection);
        drop.ExecuteNonQuery();
    }

    private static string SchemaOf(string directory) =>
        "e_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(directory))))[..24];
}
