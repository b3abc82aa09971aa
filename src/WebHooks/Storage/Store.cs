using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using LiteDB;
using Microsoft.Extensions.Logging;

namespace WebHooks.Storage;

/// <summary>
/// The one LiteDB database of the process. Reads may run on any thread; every write runs on one
/// dedicated writer thread, which groups the writes waiting in its queue into one transaction
/// (group commit), makes the commit durable with fdatasync of the log file, and only then
/// completes the callers' tasks. LiteDB transactions belong to a thread, so none ever crosses an await.
/// </summary>
public sealed class Store : IDisposable
{
    private const int MaxBatch = 512;

    private readonly LiteDatabase _db;
    private readonly ILogger<Store> _logger;
    private readonly BlockingCollection<PendingWrite> _queue = new();
    private readonly Thread _writer;
    private readonly LogFileSync _logSync;
    private readonly List<Action> _rollbackHandlers = [];
    private readonly FileStream _processLock;

    public Store(string path, ILogger<Store> logger)
    {
        _logger = logger;
        Path = System.IO.Path.GetFullPath(path);
        OwnerOnlyFiles.PrepareDatabase(Path);
        _processLock = LockAgainstOtherProcesses(Path);

        var mapper = new BsonMapper { EmptyStringToNull = false, TrimWhitespace = false };
        // BsonMapper builds its type maps lazily and not thread-safely (LiteDB #2536): build them now.
        mapper.ToDocument(new AccountDocument());
        mapper.ToDocument(new StreamDocument());
        mapper.ToDocument(new EventDocument());
        mapper.ToDocument(new WebHookDocument());
        mapper.ToDocument(new IdempotencyDocument());
        mapper.ToDocument(new NotificationDocument());
        mapper.ToDocument(new SettingDocument());

        _db = new LiteDatabase(new ConnectionString { Filename = Path, Connection = ConnectionType.Direct }, mapper)
        {
            UtcDate = true,
        };
        Accounts = _db.GetCollection<AccountDocument>("accounts");
        Streams = _db.GetCollection<StreamDocument>("streams");
        Events = _db.GetCollection<EventDocument>("events");
        WebHooks = _db.GetCollection<WebHookDocument>("webhooks", BsonAutoId.Int32);
        Idempotency = _db.GetCollection<IdempotencyDocument>("idempotency");
        Notifications = _db.GetCollection<NotificationDocument>("notifications", BsonAutoId.Int32);
        Settings = _db.GetCollection<SettingDocument>("settings");

        WebHooks.EnsureIndex(w => w.Account);
        Notifications.EnsureIndex(n => n.Account);

        _logSync = new LogFileSync(LogPath(Path));
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "store-writer" };
        _writer.Start();
    }

    public string Path { get; }

    public ILiteCollection<AccountDocument> Accounts { get; }
    public ILiteCollection<StreamDocument> Streams { get; }
    public ILiteCollection<EventDocument> Events { get; }
    public ILiteCollection<WebHookDocument> WebHooks { get; }
    public ILiteCollection<IdempotencyDocument> Idempotency { get; }
    public ILiteCollection<NotificationDocument> Notifications { get; }
    public ILiteCollection<SettingDocument> Settings { get; }

    /// <summary>
    /// Called on the writer thread after a group of writes was rolled back, so that state kept in
    /// memory beside the database can be reloaded from what was really committed.
    /// </summary>
    public void OnRollback(Action handler)
    {
        lock (_rollbackHandlers) _rollbackHandlers.Add(handler);
    }

    /// <summary>Runs <paramref name="work"/> on the writer thread; the task completes once it is durable.</summary>
    public Task<T> WriteAsync<T>(Func<T> work)
    {
        var pending = new PendingWrite<T>(work);
        Enqueue(pending);
        return pending.Task;
    }

    public Task WriteAsync(Action work) => WriteAsync(() => { work(); return true; });

    /// <summary>Is the database there and answering? For the health check.</summary>
    public bool Ping()
    {
        try
        {
            _ = Settings.FindById("ping");
            return !_queue.IsAddingCompleted && _writer.IsAlive;
        }
        catch (Exception e) when (e is LiteException or IOException or ObjectDisposedException)
        {
            return false;
        }
    }

    private void Enqueue(PendingWrite pending)
    {
        try
        {
            _queue.Add(pending);
        }
        catch (InvalidOperationException)
        {
            pending.Fail(new ObjectDisposedException(nameof(Store)));
        }
    }

    private void WriteLoop()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (true)
        {
            PendingWrite? first;
            try
            {
                if (!_queue.TryTake(out first, TimeSpan.FromSeconds(1)))
                {
                    if (_queue.IsCompleted) return;
                    CheckpointWhenIdle();
                    continue;
                }
            }
            catch (InvalidOperationException)
            {
                return; // completed: disposing
            }

            batch.Clear();
            batch.Add(first);
            while (batch.Count < MaxBatch && _queue.TryTake(out var next)) batch.Add(next);
            RunBatch(batch);
        }
    }

    private void RunBatch(List<PendingWrite> batch)
    {
        try
        {
            _db.BeginTrans();
            foreach (var write in batch) write.Run();
            _db.Commit();
            _logSync.Sync();
            foreach (var write in batch) write.Complete();
            return;
        }
        catch (Exception e)
        {
            Rollback();
            _logger.LogWarning(e, "A group of {Count} writes failed; retrying them one by one", batch.Count);
        }

        // One bad write must not take the others down with it.
        foreach (var write in batch)
        {
            try
            {
                _db.BeginTrans();
                write.Run();
                _db.Commit();
                _logSync.Sync();
                write.Complete();
            }
            catch (Exception e)
            {
                Rollback();
                write.Fail(e);
            }
        }
    }

    /// <summary>Rolls back and reloads what is kept in memory; never throws, so the writer thread lives on.</summary>
    private void Rollback()
    {
        try
        {
            _db.Rollback();
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Rollback failed");
        }
        try
        {
            NotifyRollback();
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Reloading after a rollback failed");
        }
    }

    private void NotifyRollback()
    {
        Action[] handlers;
        lock (_rollbackHandlers) handlers = [.. _rollbackHandlers];
        foreach (var handler in handlers) handler();
    }

    private void CheckpointWhenIdle()
    {
        try
        {
            var log = new FileInfo(LogPath(Path));
            if (log.Exists && log.Length > 4 * 1024 * 1024) _db.Checkpoint();
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Checkpoint failed");
        }
    }

    /// <summary>
    /// LiteDB's direct mode does not keep a second process out of the file on Linux, and two writers
    /// would corrupt it: an exclusive lock on a file beside it does.
    /// </summary>
    private static FileStream LockAgainstOtherProcesses(string dataPath)
    {
        try
        {
            return new FileStream(dataPath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new DatabaseInUseException(dataPath, e);
        }
    }

    private static string LogPath(string dataPath) =>
        System.IO.Path.Combine(
            System.IO.Path.GetDirectoryName(dataPath)!,
            System.IO.Path.GetFileNameWithoutExtension(dataPath) + "-log" + System.IO.Path.GetExtension(dataPath));

    public void Dispose()
    {
        _queue.CompleteAdding();
        _writer.Join();
        _db.Dispose();
        _logSync.Dispose();
        _queue.Dispose();
        _processLock.Dispose();
    }

    private abstract class PendingWrite
    {
        public abstract void Run();
        public abstract void Complete();
        public abstract void Fail(Exception e);
    }

    private sealed class PendingWrite<T>(Func<T> work) : PendingWrite
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _done.Task;
        public override void Run() => _result = work();
        public override void Complete() => _done.TrySetResult(_result!);
        public override void Fail(Exception e) => _done.TrySetException(e);
    }

    /// <summary>
    /// LiteDB 5 does not fsync its commits (they reach the OS, not the disk, until a checkpoint).
    /// fdatasync of the log file after each group commit makes an acknowledged write survive a power cut.
    /// </summary>
    private sealed class LogFileSync(string path) : IDisposable
    {
        private int _fd = -1;

        public void Sync()
        {
            if (!OperatingSystem.IsLinux()) return;
            if (_fd < 0) _fd = open(path, 0 /* O_RDONLY */);
            if (_fd >= 0 && fdatasync(_fd) != 0)
            {
                close(_fd); // the file may have been replaced: open it again next time
                _fd = -1;
            }
        }

        public void Dispose()
        {
            if (_fd >= 0) close(_fd);
            _fd = -1;
        }

        [DllImport("libc", SetLastError = true)] private static extern int open(string path, int flags);
        [DllImport("libc", SetLastError = true)] private static extern int fdatasync(int fd);
        [DllImport("libc")] private static extern int close(int fd);
    }
}

/// <summary>Another process (a running service, say) has the database open.</summary>
public sealed class DatabaseInUseException(string path, Exception inner)
    : IOException($"the database {path} is in use by another process (a running service?)", inner)
{
    public string Path { get; } = path;
}
