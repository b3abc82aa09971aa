using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebHooks.Storage;

namespace WebHooks.Delivery;

/// <summary>
/// The log of delivery attempts (spec 11). Recording an attempt is a non-blocking write into an in-memory queue; a
/// background loop gathers what arrived during <see cref="GatherDelay"/> and writes it to the storage in batches of up
/// to <see cref="MaxBatch"/>, one storage call each. So a lane never waits for the log, and the store sees one write
/// per batch instead of one per attempt. When the store cannot keep up the queue stays bounded: past
/// <see cref="MaxQueued"/> the oldest entries are dropped (delivery goes on; the log is for diagnosis, not the truth).
/// <see cref="DeliveryOptions.LogAttempts"/> false turns it off (nothing is queued or written).
/// </summary>
public sealed class AttemptLog(IWebHooksStorage storage, DeliveryOptions options, TimeProvider time, ILogger<AttemptLog> logger) : BackgroundService
{
    private const int MaxBatch = 1_000;
    private const int MaxQueued = 100_000;
    private const int MaxRemembered = 100_000;

    /// <summary>
    /// How long the writer lets attempts gather before it writes. Wall-clock on purpose: it batches writes, it is no
    /// business time, and a test's fake clock must not hold the log back.
    /// </summary>
    public static readonly TimeSpan GatherDelay = TimeSpan.FromMilliseconds(200);

    private readonly Channel<DeliveryAttempt> _queue = Channel.CreateBounded<DeliveryAttempt>(
        new BoundedChannelOptions(MaxQueued) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    // Per webhook, the event of its last attempt in this process and that attempt's number.
    private readonly ConcurrentDictionary<int, (string EventId, int Attempt)> _last = new();

    /// <param name="failuresBefore">The lane's failed attempts in a row before this one.</param>
    public void Record(WebHookRecord webHook, StoredEvent e, int failuresBefore, AttemptResult result, TimeSpan duration)
    {
        if (!options.LogAttempts) return;
        _queue.Writer.TryWrite(new DeliveryAttempt(
            webHook.Id, e.EventId, e.Event, Number(webHook.Id, e.EventId, failuresBefore), time.StoredNow(), result.StatusCode ?? 0,
            (int)Math.Min(int.MaxValue, Math.Round(duration.TotalMilliseconds)), result.Outcome == AttemptOutcome.Delivered, result.Error));
    }

    /// <summary>
    /// The attempt's number for its event, 1 for the first try. A failing event blocks its lane, so the lane's failures
    /// in a row count its earlier tries (they are stored with the lane, so they survive a restart or a move to another
    /// instance). A reactivation resets them: a replayed event counts on from this process's last attempt of it.
    /// </summary>
    private int Number(int webHookId, string eventId, int failuresBefore)
    {
        var number = failuresBefore + 1;
        if (_last.TryGetValue(webHookId, out var last))
        {
            if (last.EventId == eventId) number = Math.Max(number, last.Attempt + 1);
        }
        // Bounded, counted only when a webhook is new (Count takes every lock): forgetting only makes a replay count from its lane's failures.
        else if (_last.Count >= MaxRemembered) _last.Clear();
        _last[webHookId] = (eventId, number);
        return number;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<DeliveryAttempt>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await Task.Delay(GatherDelay, stoppingToken);
                await FlushAsync(batch);
            }
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
