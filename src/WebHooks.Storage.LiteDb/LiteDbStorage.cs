using Microsoft.Extensions.Logging;

namespace WebHooks.Storage.LiteDb;

public sealed class LiteDbStorageOptions
{
    /// <summary>The database file; relative paths are resolved against the working directory.</summary>
    public required string Path { get; init; }

    /// <summary>How long a lane's claim lasts unless renewed.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the engine looks for due lanes beside its own signals (retries are timed in memory).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The buffer period, to find where the closed buffers of a file from version 1 ended (see <see cref="Upgrade"/>).</summary>
    public TimeSpan BufferPeriod { get; init; } = TimeSpan.FromDays(5);
}

/// <summary>
/// The embedded store: one LiteDB file that one process owns (a lock file keeps a second one out). Writes are
/// group-committed and fdatasynced on one writer thread (<see cref="Database"/>); the webhooks, streams and their heads
/// are also held in memory (<see cref="MemoryState"/>), so publishing, listing and delivering read no documents.
/// </summary>
public sealed class LiteDbStorage : IWebHooksStorage, IStorageSignals
{
    private readonly Database _db;
    private readonly MemoryState _state = new();

    private LiteDbStorage(LiteDbStorageOptions options, ILogger logger)
    {
        _db = new Database(options.Path, logger);
        try
        {
            var from = Upgrade.Run(_db.Read, options.BufferPeriod);
            if (from is > 0 and < Upgrade.CurrentVersion)
                logger.LogWarning("Upgraded the database {Path} from schema {From} to {To}", _db.Path, from, Upgrade.CurrentVersion);
            _state.Load(_db.Read);
        }
        catch
        {
            _db.Dispose();
            throw;
        }
        var tails = new StreamTails();
        _db.OnReload(() =>
        {
            tails.Clear();
            _state.Load(_db.Read);
        });
        PollInterval = options.PollInterval;

        var leases = new LaneLeases(options.LeaseDuration);
        Accounts = new AccountStore(_db, _state);
        WebHooks = new WebHookStore(_db, _state);
        Events = new EventStore(_db, _state, tails);
        Lanes = new LaneStore(_db, _state, leases);
        Notifications = new NotificationStore(_db);
        var attempts = new AttemptStore(_db, _state);
        Attempts = attempts;
        Shared = new SharedState(_db);
        Maintenance = new Maintenance(_db, _state, attempts, tails);
    }

    /// <summary>Opens (creating or upgrading) the file, and locks it against other processes.</summary>
    /// <exception cref="DatabaseInUseException">Another process holds the file.</exception>
    public static LiteDbStorage Open(LiteDbStorageOptions options, ILogger logger) => new(options, logger);

    public string Path => _db.Path;

    /// <summary>The file, for tests that hold its writer.</summary>
    internal Database Database => _db;

    public IAccountStore Accounts { get; }
    public IWebHookStore WebHooks { get; }
    public IEventStore Events { get; }
    public ILaneStore Lanes { get; }
    public INotificationStore Notifications { get; }
    public IAttemptStore Attempts { get; }
    public ISharedState Shared { get; }
    public IMaintenance Maintenance { get; }
    public IStorageSignals Signals => this;

    /// <summary>One process owns the file: nobody else publishes, so there is nobody to hear from.</summary>
    public event Action<IReadOnlyList<int>>? WebHooksTouched { add { } remove { } }
    public event Action<IReadOnlyList<int>>? EventsAppended { add { } remove { } }

    public TimeSpan PollInterval { get; }

    /// <summary>The file is upgraded when it is opened.</summary>
    public Task MigrateAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _db.Dispose();
        return ValueTask.CompletedTask;
    }
}
