using System.Threading.Channels;

namespace WebHooks.Storage.PostgreSql;

/// <summary>
/// Work handled in batches by one loop, one batch at a time: an item that arrives while a batch is being handled waits
/// for it, and then goes in the next one with everything that gathered meanwhile (at most <paramref name="maxBatch"/>).
/// An item that finds the loop idle goes at once, alone. The loop starts on first use; disposing handles what is
/// queued, then stops.
/// </summary>
internal abstract class Batches<TItem, TResult>(int maxBatch) : IAsyncDisposable
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _starting = new();
    private Task? _loop;

    /// <summary>
    /// Queues the item and waits for its result. A caller that gives up does not take its item back: it is handled all
    /// the same (a publish may be committed, as with one transaction of its own).
    /// </summary>
    protected Task<TResult> SubmitAsync(TItem item, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new Pending(item);
        if (!_queue.Writer.TryWrite(pending)) throw new ObjectDisposedException(nameof(PostgreSqlStorage));
        if (_loop is null)
            lock (_starting)
                _loop ??= Task.Run(LoopAsync);
        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Handles one batch; must not throw (each item's caller is told its own outcome). The list is reused afterwards.</summary>
    protected abstract Task HandleAsync(List<Pending> batch);

    /// <summary>Gives each item of the batch its result, by position, or every item the failure.</summary>
    protected static async Task AnswerAsync(IReadOnlyList<Pending> batch, Func<Task<TResult[]>> run)
    {
        try
        {
            var results = await run();
            for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
        }
        catch (Exception e)
        {
            foreach (var pending in batch) pending.Done.TrySetException(e);
        }
    }

    private async Task LoopAsync()
    {
        var batch = new List<Pending>(maxBatch);
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

    /// <summary>An item and its caller's answer.</summary>
    protected sealed class Pending(TItem item)
    {
        public TItem Item { get; } = item;
        public TaskCompletionSource<TResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
