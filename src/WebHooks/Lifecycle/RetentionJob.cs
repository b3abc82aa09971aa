using LiteDB;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebHooks.Events;
using WebHooks.Storage;

namespace WebHooks.Lifecycle;

/// <summary>
/// The housekeeping pass, at start-up and then every <see cref="Interval"/> (on the injected clock):
/// buffers of webhooks deactivated longer than <see cref="BufferOptions.Retention"/> are dropped, events of
/// the log that no webhook needs any more are deleted, and idempotency records older than 24 hours go.
/// </summary>
public sealed class RetentionJob(
    Store store,
    EventLog log,
    ReplayBuffer buffer,
    WebHooksOptions options,
    TimeProvider time,
    ILogger<RetentionJob> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private int _passes;

    /// <summary>Completed passes since start, for tests and diagnostics.</summary>
    public int Passes => Volatile.Read(ref _passes);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await RunOnceAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Retention pass failed; the next one tries again");
            }
        }
        while (await timer.TickOrStopAsync(stoppingToken));
    }

    /// <summary>One pass, as one write on the store's writer thread.</summary>
    public async Task<RetentionResult> RunOnceAsync()
    {
        var now = time.GetUtcNow().UtcDateTime;
        var result = await store.WriteAsync(() => Purge(now));
        Interlocked.Increment(ref _passes);
        if (result.PurgedBuffers + result.DeletedEvents + result.DeletedIdempotencyRecords > 0)
            logger.LogInformation(
                "Retention: dropped the buffers of {Buffers} webhooks ({Buffered} events) deactivated more than {Retention} ago; " +
                "deleted {Events} events no webhook needs and {Keys} idempotency records",
                result.PurgedBuffers, result.PurgedBufferedEvents, options.Buffer.Retention, result.DeletedEvents, result.DeletedIdempotencyRecords);
        return result;
    }

    private RetentionResult Purge(DateTime now)
    {
        // 1. Buffers past their retention.
        int purgedBuffers = 0, purgedEvents = 0;
        foreach (var webHook in store.WebHooks.Find(w => !w.Active).ToList())
        {
            if (webHook.Deactivated is not { } deactivated || now < deactivated + options.Buffer.Retention) continue;
            if (webHook.Delivered >= log.LastSequence(webHook.StreamId) && webHook.ReplayUntil is null) continue;
            var discarded = buffer.Discard(webHook);
            store.WebHooks.Update(webHook);
            if (discarded == 0) continue;
            purgedBuffers++;
            purgedEvents += discarded;
            logger.LogWarning("Retention: dropped {Count} buffered events of webhook {WebHookId}, deactivated since {Deactivated:u}",
                discarded, webHook.Id, deactivated);
        }

        // 2. Events that no webhook will ever deliver.
        var deletedEvents = 0;
        var webHooksByStream = store.WebHooks.FindAll().ToLookup(w => w.StreamId);
        foreach (var streamId in log.StreamIds.ToList())
        {
            var last = log.LastSequence(streamId);
            var needed = webHooksByStream[streamId].SelectMany(w => Needed(w, now)).OrderBy(r => r.After).ToList();
            var cursor = 0L;
            foreach (var (after, upTo) in needed)
            {
                if (upTo <= after) continue;
                if (after > cursor) deletedEvents += DeleteRange(streamId, cursor, after);
                cursor = Math.Max(cursor, upTo);
            }
            if (cursor < last) deletedEvents += DeleteRange(streamId, cursor, last);
        }

        // 3. Idempotency keys are remembered for 24 hours.
        var cutoff = now - EventIntake.IdempotencyWindow;
        var deletedKeys = store.Idempotency.DeleteMany(i => i.Created < cutoff);

        return new RetentionResult(purgedBuffers, purgedEvents, deletedEvents, deletedKeys);
    }

    /// <summary>The ranges (after, upTo] of its stream a webhook may still deliver.</summary>
    private IEnumerable<(long After, long UpTo)> Needed(WebHookDocument webHook, DateTime now)
    {
        if (!webHook.Active)
        {
            // Within the buffer period new events join the buffer; after it, the buffer is closed.
            yield return (webHook.Delivered, now < buffer.BufferEnd(webHook) ? EventKey.MaxSequence : buffer.LastBuffered(webHook));
            yield break;
        }
        if (webHook.ReplayUntil is { } until)
        {
            // Replaying: the buffer, then what came after the reactivation (the gap between is skipped).
            yield return (webHook.Delivered, until);
            yield return (Math.Max(webHook.Delivered, webHook.ResumeAfter), EventKey.MaxSequence);
            yield break;
        }
        yield return (webHook.Delivered, EventKey.MaxSequence);
    }

    private int DeleteRange(int streamId, long after, long upTo) =>
        upTo <= after ? 0 : store.Events.DeleteMany(EventLog.Range(streamId, after, upTo));
}
