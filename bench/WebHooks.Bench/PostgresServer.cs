using System.Diagnostics;
using System.Net;
using Npgsql;

namespace WebHooks.Bench;

/// <summary>
/// The PostgreSQL of the bench's PostgreSQL rows: by default a throwaway cluster of its own (Debian's
/// postgresql-15 binaries, initdb in the bench's temporary folder, on a free port of 127.0.0.1), with PostgreSQL's
/// default durability (fsync and synchronous_commit on, like LiteDB's fdatasync per group commit) and
/// pg_stat_statements, stopped at the end; or the server given with <c>--postgres CONNECTION-STRING</c>.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string? _dataDirectory;
    private readonly string? _bin;

    private PostgresServer(string connectionString, string? dataDirectory, string? bin)
    {
        ConnectionString = connectionString;
        _dataDirectory = dataDirectory;
        _bin = bin;
    }

    public string ConnectionString { get; }
    public bool HasStatements { get; private set; }

    /// <summary>Null, with the reason logged, when no server can be had (no binaries).</summary>
    public static async Task<PostgresServer?> StartAsync(string root, string? given)
    {
        if (given is not null) return await WithStatementsAsync(new PostgresServer(given, null, null));
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "pg_ctl"))).OrderBy(b => b).LastOrDefault()
            : null;
        if (bin is null)
        {
            Log.Line("no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql-15): the PostgreSQL rows are skipped");
            return null;
        }
        var dir = Path.Combine(root, "postgres");
        Directory.CreateDirectory(dir);
        var root0 = Environment.UserName == "root";
        if (root0) await RunAsync("chown", ["postgres:", dir], asOwner: false);
        var port = FreePort();
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", Path.Combine(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"], root0);
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", Path.Combine(dir, "data"), "-l", Path.Combine(dir, "log"), "-w", "-t", "60",
            "-o", $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c max_connections=400 -c shared_preload_libraries=pg_stat_statements", "start"], root0);
        var server = new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=30", Path.Combine(dir, "data"), bin);
        Log.Line($"PostgreSQL {Path.GetFileName(Path.GetDirectoryName(bin))} started on 127.0.0.1:{port} (fsync on, synchronous_commit on)");
        return await WithStatementsAsync(server);
    }

    private static async Task<PostgresServer> WithStatementsAsync(PostgresServer server)
    {
        try
        {
            await using var connection = new NpgsqlConnection(server.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", connection);
            await command.ExecuteNonQueryAsync();
            server.HasStatements = true;
        }
        catch (PostgresException e)
        {
            Log.Line($"pg_stat_statements is not available ({e.MessageText}): no statement timings in the notes");
        }
        return server;
    }

    public async Task ResetStatementsAsync()
    {
        if (!HasStatements) return;
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_stat_statements_reset()", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The statements that took the most time since the last reset: where the database's time went.</summary>
    public async Task<IReadOnlyList<string>> TopStatementsAsync(int count)
    {
        if (!HasStatements) return [];
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT calls, total_exec_time, regexp_replace(left(query, 90), '\\s+', ' ', 'g') FROM pg_stat_statements " +
            "WHERE query NOT ILIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT " + count, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var top = new List<string>();
        while (await reader.ReadAsync())
            top.Add($"{reader.GetInt64(0):N0} × `{reader.GetString(2).Replace('|', '/')}` {reader.GetDouble(1) / 1000:0.0} s");
        return top;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_dataDirectory is null || _bin is null) return;
        try { await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", _dataDirectory, "-m", "fast", "-w", "stop"], Environment.UserName == "root"); }
        catch (BenchException e) { Log.Line("stopping PostgreSQL: " + e.Message); }
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asOwner)
    {
        var info = new ProcessStartInfo(asOwner ? "runuser" : program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asOwner) foreach (var a in new[] { "-u", "postgres", "--", program }) info.ArgumentList.Add(a);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new BenchException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(wait.Token);
        if (process.ExitCode != 0) throw new BenchException($"{Path.GetFileName(program)} failed ({process.ExitCode}): {await error}{await output}");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
