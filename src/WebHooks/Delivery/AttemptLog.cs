using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebHooks.Storage;

namespace WebHooks.Delivery;

/// <summary>
/// The log of delivery attempts (spec 11): every attempt is recorded off the delivery path, into a queue that a
/// background loop writes to the storage in batches, so that keeping the log does not slow delivery.
/// <see cref="DeliveryOptions.LogAttempts"/> false turns it off (nothing is queued or written).
/// </summary>
public sealed class AttemptLog(IWebHooksStorage storage, DeliveryOptions options, TimeProvider time, ILogger<AttemptLog> logger) : BackgroundService
{
    private const int MaxBatch = 1_000;
    private const int MaxQueued = 100_000;

    private readonly Channel<DeliveryAttempt> _queue = Channel.CreateBounded<DeliveryAttempt>(
        new BoundedChannelOptions(MaxQueued) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public void Record(WebHookRecord webHook, StoredEvent e, int attempt, AttemptResult result, TimeSpan duration)
    {
        if (!options.LogAttempts) return;
        _queue.Writer.TryWrite(new DeliveryAttempt(
            webHook.Id, e.EventId, e.Event, attempt, time.StoredNow(), result.StatusCode ?? 0,
            (int)Math.Min(int.MaxValue, duration.TotalMilliseconds), result.Outcome == AttemptOutcome.Delivered, result.Error));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<DeliveryAttempt>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
                await FlushAsync(batch);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await FlushAsync(batch); // what is still queued at shutdown
    }

    private async Task FlushAsync(List<DeliveryAttempt> batch)
    {
        while (true)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var attempt)) batch.Add(attempt);
            if (batch.Count == 0) return;
            try
            {
                await storage.Attempts.AddAsync([.. batch]);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "{Count} delivery attempts could not be logged", batch.Count);
            }
        }
    }
}
