using System.Collections.Concurrent;
using LiteDB;
using LiteDB.Engine;
using Microsoft.Extensions.Logging;

namespace WebHooks.Storage.LiteDb;

/// <summary>
/// The one LiteDB file of the process. Reads may run on any thread; every write runs on one dedicated writer thread,
/// which groups the writes waiting in its queue into one transaction (group commit), makes the commit durable with
/// fdatasync of the log file, and only then completes the callers' tasks. LiteDB transactions belong to a thread, so
/// none ever crosses an await.
/// </summary>
/// <remarks>
/// When the file fails under a write (a full disk, say), LiteDB's pages are left in a state it cannot write from
/// again. The writer then closes the file and opens it anew, every second until that works; meanwhile every call
/// fails at once with <see cref="StorageUnavailableException"/>. What was acknowledged was fsynced, so it survives.
/// </remarks>
internal sealed class Database : IDisposable
{
    private const int MaxBatch = 512;

    /// <summary>
    /// The writer checkpoints the log (copies it into the data file) once it holds this many 8 KB pages and no write
    /// waits, and always at <see cref="CheckpointPagesMax"/>. See <see cref="CheckpointIfDue"/>.
    /// </summary>
    private const long CheckpointPages = 100;
    private const long CheckpointPagesMax = 1_000;
    private const int PageSize = 8192; // LiteDB's

    /// <summary>A background write waits at most this many group commits while foreground writes keep coming.</summary>
    private const int BackgroundEvery = 8;
    private static readonly TimeSpan ReopenDelay = TimeSpan.FromSeconds(1);

    private readonly ILogger _logger;
    private readonly BlockingCollection<PendingWrite> _queue = new();
    private readonly Queue<PendingWrite> _deferred = new(); // background writes; writer thread only
    private readonly Thread _writer;
    private readonly FileStream _processLock;
    private readonly List<Action> _reloadHandlers = [];
    private readonly string _logPath;
    private volatile Collections? _open;
    private ReusedLogStream? _logStream;
    private string? _unavailable;

    public Database(string path, ILogger logger)
    {
        _logger = logger;
        Path = System.IO.Path.GetFullPath(path);
        _logPath = LogPath(Path);
        OwnerOnlyFiles.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _processLock = LockAgainstOtherProcesses(Path);
        _open = Open();
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "store-writer" };
        _writer.Start();
    }

    public string Path { get; }

    /// <summary>The collections, for reading. Throws <see cref="StorageUnavailableException"/> while the file is being reopened.</summary>
    public Collections Read => _open ?? throw Unavailable();

    /// <summary>The bytes in LiteDB's log, not yet checkpointed into the data file.</summary>
    public long LogLength => _logStream?.Length ?? 0;

    public bool IsAvailable => _open is not null && _writer.IsAlive && !_queue.IsAddingCompleted;

    /// <summary>
    /// Called on the writer thread after writes were rolled back or the file was reopened, so that state kept in
    /// memory beside the database is reloaded from what was really committed.
    /// </summary>
    public void OnReload(Action handler)
    {
        lock (_reloadHandlers) _reloadHandlers.Add(handler);
    }

    /// <summary>Runs <paramref name="work"/> on the writer thread, in a transaction; the task completes once it is durable.</summary>
    /// <param name="background">
    /// Work that no caller waits for (the attempt log): it runs in a transaction of its own when no other write is
    /// waiting (or after <see cref="BackgroundEvery"/> group commits), so that it never holds up a publish.
    /// </param>
    public Task<T> WriteAsync<T>(Func<Collections, T> work, bool background = false)
    {
        var pending = new PendingWrite<T>(work) { Background = background };
        if (_open is null) pending.Fail(Unavailable());
        else
        {
            try { _queue.Add(pending); }
            catch (InvalidOperationException) { pending.Fail(new ObjectDisposedException(nameof(Database))); }
        }
        return pending.Task;
    }

    private Collections Open()
    {
        OwnerOnlyFiles.Prepare(Path);
        OwnerOnlyFiles.Prepare(_logPath);
        var mapper = new BsonMapper { EmptyStringToNull = false, TrimWhitespace = false };
        // BsonMapper builds its type maps lazily and not thread-safely (LiteDB #2536): build them now.
        mapper.ToDocument(new AccountDocument());
        mapper.ToDocument(new ApiKeyDocument());
        mapper.ToDocument(new StreamDocument());
        mapper.ToDocument(new EventDocument { Earlier = [new EventEntry()] });
        mapper.ToDocument(new RecentEventDocument { Earlier = [new EventEntry()] });
        mapper.ToDocument(new WebHookDocument());
        mapper.ToDocument(new IdempotencyDocument());
        mapper.ToDocument(new NotificationDocument());
        mapper.ToDocument(new AttemptDocument { Next = [new AttemptEntry()] });
        mapper.ToDocument(new SettingDocument());

        // LiteDB's own checkpoint (inside the commit that finds 1,000 pages in the log) is off: CheckpointIfDue does it.
        // The log is LiteDB's own file, opened by us so that emptying it keeps its blocks (see ReusedLogStream).
        _logStream?.Dispose();
        _logStream = new ReusedLogStream(_logPath);
        var db = new LiteDatabase(new LiteEngine(new EngineSettings { Filename = Path, LogStream = _logStream }), mapper)
        {
            UtcDate = true, CheckpointSize = 0,
        };
        return new Collections(db);
    }

    private void WriteLoop()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        var sinceBackground = 0;
        while (true)
        {
            PendingWrite? first;
            try
            {
                if (_deferred.Count > 0 && (_queue.Count == 0 || sinceBackground >= BackgroundEvery))
                {
                    sinceBackground = 0;
                    RunAlone(_deferred.Dequeue());
                    continue;
                }
                if (!_queue.TryTake(out first, _deferred.Count > 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(1)))
                {
                    if (_deferred.Count > 0) continue;
                    if (_queue.IsCompleted) return;
                    if (_open is null) TryReopen();
                    else Checkpoint(_open, minPages: 1);
                    continue;
                }
            }
            catch (InvalidOperationException)
            {
                // completed: disposing; what the background still waited for runs first
                while (_deferred.Count > 0) RunAlone(_deferred.Dequeue());
                return;
            }

            batch.Clear();
            if (first.Background) _deferred.Enqueue(first);
            else batch.Add(first);
            while (batch.Count < MaxBatch && _queue.TryTake(out var next))
            {
                if (next.Background) _deferred.Enqueue(next);
                else batch.Add(next);
            }
            if (batch.Count == 0) continue;
            if (_deferred.Count > 0) sinceBackground++;
            if (_open is null && !TryReopen())
            {
                foreach (var write in batch) write.Fail(Unavailable());
                continue;
            }
            RunBatch(_open!, batch);
            CheckpointIfDue();
        }
    }

    private void RunAlone(PendingWrite write)
    {
        if (_open is null && !TryReopen())
        {
            write.Fail(Unavailable());
            return;
        }
        RunBatch(_open!, [write]);
        CheckpointIfDue();
    }

    private void RunBatch(Collections db, List<PendingWrite> batch)
    {
        try
        {
            db.Database.BeginTrans();
            foreach (var write in batch) write.Run(db);
            db.Commit();
            _logStream!.Sync();
            db.Committed();
            foreach (var write in batch) write.Complete();
            return;
        }
        catch (Exception e) when (IsFileFailure(e))
        {
            FailFile(e, batch);
            return;
        }
        catch (Exception e)
        {
            Rollback(db);
            if (batch.Count > 1) _logger.LogWarning(e, "A group of {Count} writes failed; retrying them one by one", batch.Count);
        }

        // One bad write must not take the others down with it.
        foreach (var write in batch)
        {
            try
            {
                db.Database.BeginTrans();
                write.Run(db);
                db.Commit();
                _logStream!.Sync();
                db.Committed();
                write.Complete();
            }
            catch (Exception e) when (IsFileFailure(e))
            {
                FailFile(e, batch);
                return;
            }
            catch (Exception e)
            {
                Rollback(db);
                write.Fail(e);
            }
        }
    }

    /// <summary>The file failed under us: fail the writes, close it, and reopen it as soon as that works.</summary>
    private void FailFile(Exception e, List<PendingWrite> batch)
    {
        _open?.Abandoned();
        _unavailable = e.Message;
        _logger.LogError(e, "Writing the database {Path} failed; closing it and opening it again until that works", Path);
        var failure = Unavailable(e);
        foreach (var write in batch) write.Fail(failure);
        var broken = _open;
        _open = null;
        if (broken is not null && !BrokenEngine.Close(broken.Database, closing => _logger.LogDebug(closing, "Closing the failed database")))
            _logger.LogWarning("LiteDB's transaction internals were not found: a transaction of the failed database may still run its finalizer");
        TryReopen();
    }

    private bool TryReopen()
    {
        if (_open is not null) return true;
        try
        {
            var reopened = Open();
            _open = reopened;
            NotifyReload();
            _logger.LogWarning("The database {Path} is open again after a failure ({Reason})", Path, _unavailable);
            _unavailable = null;
            return true;
        }
        catch (Exception e)
        {
            _open = null;
            _logger.LogDebug(e, "Reopening the database failed; trying again in {Delay}", ReopenDelay);
            Thread.Sleep(ReopenDelay); // the writer thread's own pace: nothing waits on it while the file is closed
            return false;
        }
    }

    /// <summary>I/O errors, and LiteDB's complaints about the pages an I/O error left behind.</summary>
    private static bool IsFileFailure(Exception e) =>
        e is IOException and not DatabaseInUseException || e.InnerException is IOException
        || (e is LiteException lite && lite.Message.Contains("writable", StringComparison.OrdinalIgnoreCase));

    /// <summary>Rolls back and reloads what is kept in memory; never throws, so the writer thread lives on.</summary>
    private void Rollback(Collections db)
    {
        db.Abandoned();
        try { db.Database.Rollback(); }
        catch (Exception e) { _logger.LogError(e, "Rollback failed"); }
        NotifyReload();
    }

    private void NotifyReload()
    {
        Action[] handlers;
        lock (_reloadHandlers) handlers = [.. _reloadHandlers];
        foreach (var handler in handlers)
        {
            try { handler(); }
            catch (Exception e) { _logger.LogError(e, "Reloading state from the database failed"); }
        }
    }

    /// <summary>
    /// A checkpoint holds LiteDB's exclusive lock while it copies every page of the log into the data file and
    /// fsyncs it, so every write waits meanwhile, for a time in proportion to the log (about 15 ms per 1,000 pages
    /// on the bench's machine). LiteDB's own policy, a checkpoint inside the commit that finds 1,000 pages, made the
    /// publishes that arrived meanwhile the slowest 1-2 % (bench row c: p99 13-20 ms at 500 events/s, p50 2-3 ms).
    /// Small checkpoints when no write waits keep those pauses to a few milliseconds; under a steady load that
    /// never leaves the queue empty, the log still never grows past <see cref="CheckpointPagesMax"/>.
    /// </summary>
    private void CheckpointIfDue()
    {
        if (_open is { } db)
            Checkpoint(db, _queue.Count == 0 && _deferred.Count == 0 ? CheckpointPages : CheckpointPagesMax);
    }

    private void Checkpoint(Collections db, long minPages)
    {
        try
        {
            if (LogLength >= minPages * PageSize) db.Database.Checkpoint();
        }
        catch (Exception e) when (IsFileFailure(e))
        {
            FailFile(e, []);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Checkpoint failed");
        }
    }

    private StorageUnavailableException Unavailable(Exception? inner = null) =>
        new($"the database cannot be written now ({_unavailable ?? inner?.Message ?? "reopening"}); try again shortly", inner);

    /// <summary>
    /// LiteDB's direct mode does not keep a second process out of the file on Linux, and two writers would corrupt
    /// it: an exclusive lock on a file beside it does.
    /// </summary>
    private static FileStream LockAgainstOtherProcesses(string dataPath)
    {
        try
        {
            OwnerOnlyFiles.Prepare(dataPath + ".lock");
            return new FileStream(dataPath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new DatabaseInUseException(dataPath, e);
        }
    }

    public static string LogPath(string dataPath) =>
        System.IO.Path.Combine(
            System.IO.Path.GetDirectoryName(dataPath)!,
            System.IO.Path.GetFileNameWithoutExtension(dataPath) + "-log" + System.IO.Path.GetExtension(dataPath));

    public void Dispose()
    {
        _queue.CompleteAdding();
        _writer.Join();
        // A clean stop leaves the data file whole and no log beside it (a log of this release is not LiteDB's format).
        if (_open is { } db) Checkpoint(db, minPages: 1);
        _open?.Database.Dispose();
        _open = null;
        _logStream?.DeleteIfEmpty();
        _logStream?.Dispose();
        _queue.Dispose();
        _processLock.Dispose();
    }

    private abstract class PendingWrite
    {
        public bool Background { get; init; }

        public abstract void Run(Collections db);
        public abstract void Complete();
        public abstract void Fail(Exception e);
    }

    private sealed class PendingWrite<T>(Func<Collections, T> work) : PendingWrite
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _done.Task;
        public override void Run(Collections db) => _result = work(db);
        public override void Complete() => _done.TrySetResult(_result!);
        public override void Fail(Exception e) => _done.TrySetException(e);
    }
}

/// <summary>The collections of one open database file.</summary>
internal sealed class Collections
{
    public Collections(LiteDatabase database)
    {
        Database = database;
        Accounts = database.GetCollection<AccountDocument>("accounts");
        ApiKeys = database.GetCollection<ApiKeyDocument>("apikeys");
        Streams = database.GetCollection<StreamDocument>("streams");
        Events = database.GetCollection<EventDocument>("events");
        RecentEvents = database.GetCollection<RecentEventDocument>("recent_events");
        WebHooks = database.GetCollection<WebHookDocument>("webhooks", BsonAutoId.Int32);
        Idempotency = database.GetCollection<IdempotencyDocument>("idempotency");
        Notifications = database.GetCollection<NotificationDocument>("notifications", BsonAutoId.Int32);
        Attempts = database.GetCollection<AttemptDocument>("attempts");
        Settings = database.GetCollection<SettingDocument>("settings");
        Notifications.EnsureIndex(n => n.Account);
    }

    public LiteDatabase Database { get; }
    public ILiteCollection<AccountDocument> Accounts { get; }
    public ILiteCollection<ApiKeyDocument> ApiKeys { get; }
    public ILiteCollection<StreamDocument> Streams { get; }
    public ILiteCollection<EventDocument> Events { get; }
    public ILiteCollection<RecentEventDocument> RecentEvents { get; }
    public ILiteCollection<WebHookDocument> WebHooks { get; }
    public ILiteCollection<IdempotencyDocument> Idempotency { get; }
    public ILiteCollection<NotificationDocument> Notifications { get; }
    public ILiteCollection<AttemptDocument> Attempts { get; }
    public ILiteCollection<SettingDocument> Settings { get; }

    private readonly List<Action> _afterCommit = [];
    private readonly Dictionary<int, List<StoredEvent>> _appended = [];
    private readonly Dictionary<(string Account, string Event), (int Slot, List<StoredEvent> Events)> _recent = [];

    /// <summary>
    /// Writer thread: the stream's next event, stored when the transaction commits, with the stream's others of this
    /// transaction, in blocks (<see cref="EventDocument"/>).
    /// </summary>
    public void Append(int streamId, StoredEvent e)
    {
        if (!_appended.TryGetValue(streamId, out var events)) _appended[streamId] = events = [];
        events.Add(e);
    }

    /// <summary>
    /// Writer thread: the next event of an account's ring of recent events, stored when the transaction commits, with
    /// the ring's others of this transaction, in one slot (<see cref="RecentEventDocument"/>): the first of them asks
    /// <paramref name="slot"/> which.
    /// </summary>
    public void AppendRecent(string account, StoredEvent e, Func<int> slot)
    {
        if (!_recent.TryGetValue((account, e.Event), out var ring)) _recent[(account, e.Event)] = ring = (slot(), []);
        ring.Events.Add(e);
    }

    /// <summary>Writer thread: the ring was deleted in this transaction; what it was given in it goes too.</summary>
    public void DiscardRecent(string account, string eventName) => _recent.Remove((account, eventName));

    /// <summary>Writes what was appended, and commits.</summary>
    internal void Commit()
    {
        foreach (var ((account, eventName), (slot, events)) in _recent)
            RecentEvents.Upsert(RecentEventDocument.Of(RecentEventDocument.Key(account, eventName, slot), events));
        _recent.Clear();
        foreach (var (streamId, events) in _appended)
            foreach (var block in EventDocument.Blocks(streamId, events)) Events.Insert(block);
        _appended.Clear();
        Database.Commit();
    }

    /// <summary>Writer thread: runs <paramref name="action"/> once the current transaction is durable, not at all if it rolls back.</summary>
    public void AfterCommit(Action action) => _afterCommit.Add(action);

    /// <summary>The transaction is durable: runs what waited for it.</summary>
    internal void Committed()
    {
        foreach (var action in _afterCommit) action();
        _afterCommit.Clear();
    }

    /// <summary>The transaction was rolled back or failed: what waited for it never runs.</summary>
    internal void Abandoned()
    {
        _afterCommit.Clear();
        _appended.Clear();
        _recent.Clear();
    }

    public string? Setting(string name) => Settings.FindById(name)?.Value;

    public void SetSetting(string name, string value) => Settings.Upsert(new SettingDocument { Name = name, Value = value });
}
