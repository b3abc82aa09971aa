using Microsoft.Extensions.Logging;
using Npgsql;
using WebHooks.Storage.PostgreSql.Migrations;
using WebHooks.Storage.PostgreSql.Signals;

namespace WebHooks.Storage.PostgreSql;

/// <summary>
/// The storage of several instances sharing one PostgreSQL database (spec 9). One <see cref="NpgsqlDataSource"/>
/// (a pool of short connections) for the stores, plus two kinds of dedicated connections: one that LISTENs for
/// wake-ups from other instances, and one per job this instance leads (a session advisory lock).
/// </summary>
public sealed class PostgreSqlStorage : IWebHooksStorage
{
    /// <summary>Statements kept prepared per connection: more than the stores use (a few dozen, some with variants).</summary>
    private const int MaxAutoPrepare = 128;

    private readonly NpgsqlDataSource _source;
    private readonly Database _database;
    private readonly ChangeListener _listener;
    private readonly Migrator _migrator;
    private readonly GroupCommit _groupCommit;
    private readonly LaneReads _laneReads;
    private readonly LoginReads _logins;
    private int _disposed;

    private PostgreSqlStorage(NpgsqlDataSource source, PostgreSqlStorageOptions options, ILoggerFactory loggers)
    {
        _source = source;
        _database = new Database(source, $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}");
        var logger = loggers.CreateLogger<PostgreSqlStorage>();

        var tails = new LocalTails();
        Accounts = new AccountStore(_database, tails);
        _logins = new LoginReads(_database);
        WebHooks = new WebHookStore(_database, tails);
        _listener = new ChangeListener(_database, options.PollInterval, tails, logger);
        _groupCommit = new GroupCommit(_database, () => _listener.LanesHere, tails);
        _laneReads = new LaneReads(_database);
        Events = new EventStore(_database, _groupCommit, _laneReads, tails);
        Lanes = new LaneStore(_database, options.LeaseDuration, tails);
        Notifications = new NotificationStore(_database);
        Attempts = new AttemptStore(_database);
        Shared = new SharedState(_database);
        Maintenance = new Maintenance(_database, tails, logger);
        _migrator = new Migrator(_database, logger);
    }

    /// <summary>
    /// Opens the storage (connections are made on first use; nothing is checked here beyond the connection string).
    /// Call <see cref="MigrateAsync"/> before use: it also reports an unreachable server, in one sentence.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string is missing or not valid.</exception>
    public static PostgreSqlStorage Create(PostgreSqlStorageOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            throw new ArgumentException("no PostgreSQL connection string is configured", nameof(options));
        if (options.LeaseDuration <= TimeSpan.Zero) throw new ArgumentException("the lease duration must be positive", nameof(options));
        if (options.PollInterval <= TimeSpan.Zero) throw new ArgumentException("the poll interval must be positive", nameof(options));

        NpgsqlDataSourceBuilder builder;
        try
        {
            builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"the PostgreSQL connection string is not valid: {e.Message}", nameof(options));
        }
        builder.ConnectionStringBuilder.ApplicationName ??= "webhooks";
        // The stores keep no session state on pooled connections (leadership releases its advisory lock itself; LISTEN has
        // a connection of its own), so the DISCARD ALL that Npgsql sends at each return to the pool is pure cost.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        // The same few dozen statements run all day: prepared once per connection, PostgreSQL no longer parses and plans
        // each of them again (that was most of its CPU: bench row p1c's p99 went from 1.6 s to under 0.1 s).
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = MaxAutoPrepare;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }
        return new PostgreSqlStorage(builder.Build(), options, loggerFactory);
    }

    public IAccountStore Accounts { get; }
    public IWebHookStore WebHooks { get; }
    public IEventStore Events { get; }
    public ILaneStore Lanes { get; }
    public INotificationStore Notifications { get; }
    public IAttemptStore Attempts { get; }
    public ISharedState Shared { get; }
    public IMaintenance Maintenance { get; }
    public IStorageSignals Signals => _listener;

    /// <summary>The login's two reads in one statement, batched with the logins that come at the same time: every Basic-authenticated publish makes them.</summary>
    public Task<(LoginFailures? Failures, Account? Account)> FindLoginAsync(string throttleKey, string name, CancellationToken cancellationToken = default) =>
        _logins.ReadAsync(throttleKey, name, cancellationToken);

    /// <summary>Completes once this instance listens for wake-ups (for tests that expect one).</summary>
    internal Task Listening => _listener.Listening;

    public Task MigrateAsync(CancellationToken cancellationToken = default) => _migrator.MigrateAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _groupCommit.DisposeAsync();
        await _laneReads.DisposeAsync();
        await _logins.DisposeAsync();
        await _listener.DisposeAsync();
        await _source.DisposeAsync();
    }
}
