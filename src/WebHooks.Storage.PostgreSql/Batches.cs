using System.Threading.Channels;

namespace WebHooks.Storage.PostgreSql;

/// <summary>
/// Work handled in batches by one loop, one batch at a time: an item that arrives while a batch is being handled waits
/// for it, and then goes in the next one with everything that gathered meanwhile (at most <paramref name="maxBatch"/>).
/// An item that finds the loop idle goes at once, alone. The loop starts on first use; disposing handles what is
/// queued, then stops.
/// </summary>
internal abstract class Batches<T>(int maxBatch) : IAsyncDisposable
{
    private readonly Channel<T> _queue = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _starting = new();
    private Task? _loop;

    protected void Enqueue(T item)
    {
        if (!_queue.Writer.TryWrite(item)) throw new ObjectDisposedException(nameof(PostgreSqlStorage));
        if (_loop is null)
            lock (_starting)
                _loop ??= Task.Run(LoopAsync);
    }

    /// <summary>Handles one batch; must not throw (each item's caller is told its own outcome). The list is reused afterwards.</summary>
    protected abstract Task HandleAsync(List<T> batch);

    private async Task LoopAsync()
    {
        var batch = new List<T>(maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < maxBatch && _queue.Reader.TryRead(out var next)) batch.Add(next);
            await HandleAsync(batch);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        Task? loop;
        lock (_starting) loop = _loop;
        if (loop is not null) await loop;
    }
}
