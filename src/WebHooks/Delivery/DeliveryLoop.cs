using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebHooks.Lifecycle;
using WebHooks.Storage;

namespace WebHooks.Delivery;

/// <summary>
/// The delivery engine. Each active webhook has a lane: an async loop that reads the events after its
/// offset, POSTs them in order and advances the offset. Lanes run in parallel, bounded by
/// <see cref="DeliveryOptions.MaxConcurrency"/> attempts in flight, shared between accounts by
/// <see cref="DeliverySlots"/>, so a slow URL only slows its own lane and a busy account only itself.
/// A lane sleeps until new events arrive or its next retry is due.
/// </summary>
public sealed class DeliveryLoop(
    Store store,
    EventLog log,
    IWebHookSender sender,
    Deactivation deactivation,
    DeliveryOptions options,
    TimeProvider time,
    ILogger<DeliveryLoop> logger) : BackgroundService, IDeliverySignals
{
    private const int BatchSize = 64;
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<int, Lane> _lanes = new();

    // Slots are shared between accounts, so one account's many slow lanes cannot starve another's.
    private readonly DeliverySlots _slots = new(Math.Max(1, options.MaxConcurrency));

    // Lanes that are failing (often: hanging until the timeout) may hold at most a quarter of the
    // slots, so that a few dead URLs cannot starve the healthy ones; that quarter is shared the same way.
    private readonly DeliverySlots _failingSlots = new(Math.Max(1, options.MaxConcurrency / 4));
    private readonly RetrySchedule _retries = new(options.EffectiveRetrySchedule);
    private CancellationToken _stopping = new(canceled: true);

    public void Changed(int webHookId) => Wake(webHookId, reload: true);

    public void EventsAppended(IEnumerable<int> webHookIds)
    {
        foreach (var id in webHookIds) Wake(id, reload: false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        // The sweep starts lanes for active webhooks: all of them at start-up, and any whose signal was missed.
        using var timer = new PeriodicTimer(SweepInterval, time);
        do
        {
            try
            {
                foreach (var webHook in store.WebHooks.Find(w => w.Active))
                    if (!_lanes.ContainsKey(webHook.Id)) Wake(webHook.Id, reload: true);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Delivery sweep failed");
            }
        }
        while (await timer.TickOrStopAsync(stoppingToken));

        await Task.WhenAll(_lanes.Values.Select(l => l.Running));
    }

    private void Wake(int webHookId, bool reload)
    {
        if (_stopping.IsCancellationRequested) return;
        var lane = _lanes.GetOrAdd(webHookId, id => new Lane(id));
        if (reload) lane.ReloadRequested = true;
        lane.Signal();
        lane.StartOnce(RunLaneAsync);
    }

    private async Task RunLaneAsync(Lane lane)
    {
        try
        {
            await LaneLoopAsync(lane);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "Lane of webhook {WebHookId} failed; the sweep restarts it", lane.Id);
        }
        finally
        {
            _lanes.TryRemove(new KeyValuePair<int, Lane>(lane.Id, lane));
        }

        // A signal may have reached this lane while it was ending: look once more.
        if (!_stopping.IsCancellationRequested && store.WebHooks.FindById(lane.Id) is { Active: true })
            Wake(lane.Id, reload: true);
    }

    private async Task LaneLoopAsync(Lane lane)
    {
        WebHookDocument? webHook = null;
        while (!_stopping.IsCancellationRequested)
        {
            if (webHook is null || lane.ReloadRequested)
            {
                lane.ReloadRequested = false;
                await lane.PendingWrite; // our own offset writes first, so the reload sees them
                webHook = store.WebHooks.FindById(lane.Id);
                if (webHook is null || !webHook.Active) return;
            }

            var now = time.GetUtcNow().UtcDateTime;
            if (webHook.NextAttemptAt is { } due && due > now)
            {
                await lane.WaitAsync(due - now, time, _stopping);
                continue;
            }

            var events = NextEvents(webHook);
            if (events.Count == 0)
            {
                await lane.WaitAsync(Timeout.InfiniteTimeSpan, time, _stopping);
                continue;
            }

            if (!await DeliverAsync(lane, webHook, events)) return; // deactivated
        }
    }

    private List<EventDocument> NextEvents(WebHookDocument webHook)
    {
        SkipPastReplay(webHook);
        var upTo = webHook.ReplayUntil ?? EventKey.MaxSequence;
        return log.ReadAfter(webHook.StreamId, webHook.Delivered, BatchSize, upTo);
    }

    /// <summary>After a replay, the events that came between the buffer period and the reactivation are skipped.</summary>
    private static void SkipPastReplay(WebHookDocument webHook)
    {
        if (webHook.ReplayUntil is { } until && webHook.Delivered >= until)
        {
            webHook.Delivered = Math.Max(webHook.Delivered, webHook.ResumeAfter);
            webHook.ReplayUntil = null;
        }
    }

    /// <summary>Delivers a batch in order; false when the webhook was deactivated on the way.</summary>
    private async Task<bool> DeliverAsync(Lane lane, WebHookDocument webHook, List<EventDocument> events)
    {
        var window = Math.Max(1, options.MaxConcurrencyPerWebHook);
        for (var start = 0; start < events.Count; start += window)
        {
            if (lane.ReloadRequested) return true;
            var slice = events.GetRange(start, Math.Min(window, events.Count - start));
            var results = await Task.WhenAll(slice.Select(e => AttemptAsync(webHook, e)));

            for (var i = 0; i < slice.Count; i++)
            {
                var result = results[i];
                if (result.Outcome == AttemptOutcome.Delivered)
                {
                    webHook.Delivered = EventKey.SequenceOf(slice[i].Key);
                    webHook.Failures = 0;
                    webHook.NextAttemptAt = null;
                    SkipPastReplay(webHook);
                    continue;
                }

                lane.PendingWrite = SaveProgress(webHook);
                return await FailedAsync(lane, webHook, slice[i], result);
            }
            lane.PendingWrite = SaveProgress(webHook);
        }
        return true;
    }

    private async Task<AttemptResult> AttemptAsync(WebHookDocument webHook, EventDocument e)
    {
        using var failingSlot = webHook.Failures > 0 ? await _failingSlots.AcquireAsync(webHook.Account, _stopping) : null;
        using var slot = await _slots.AcquireAsync(webHook.Account, _stopping);
        var request = new DeliveryRequest(webHook.Url, webHook.Secret, e.EventId, webHook.Event, e.Data);
        return await sender.SendAsync(request, _stopping);
    }

    private async Task<bool> FailedAsync(Lane lane, WebHookDocument webHook, EventDocument e, AttemptResult result)
    {
        webHook.Failures++;
        webHook.LastError = result.Error;
        var gone = result.Outcome == AttemptOutcome.Gone;
        logger.LogInformation("Delivery of {EventId} to webhook {WebHookId} failed ({Failures} in a row): {Error}",
            e.EventId, webHook.Id, webHook.Failures, result.Error);

        if (gone || webHook.Failures >= options.DeactivateAfterFailures)
        {
            await lane.PendingWrite;
            await deactivation.DeactivateAsync(webHook.Id, webHook.Failures, result.Error, gone);
            return false;
        }

        webHook.NextAttemptAt = time.StoredNow() + _retries.Next(webHook.Failures, result.RetryAfter);
        await (lane.PendingWrite = SaveProgress(webHook));
        return true;
    }

    /// <summary>
    /// Writes the lane's delivery state. Offsets need not be durable before the next send (delivery is
    /// at-least-once), so callers only wait for it when they must; the writer groups these writes.
    /// </summary>
    private Task SaveProgress(WebHookDocument state)
    {
        var (id, delivered, replayUntil, failures, next, error) =
            (state.Id, state.Delivered, state.ReplayUntil, state.Failures, state.NextAttemptAt, state.LastError);
        return store.WriteAsync(() =>
        {
            var stored = store.WebHooks.FindById(id);
            if (stored is null || !stored.Active) return;
            stored.Delivered = delivered;
            stored.ReplayUntil = replayUntil;
            stored.Failures = failures;
            stored.NextAttemptAt = next;
            stored.LastError = error;
            store.WebHooks.Update(stored);
        });
    }

    private sealed class Lane(int id)
    {
        private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        private int _started;

        public int Id { get; } = id;
        public volatile bool ReloadRequested;
        public Task Running { get; private set; } = Task.CompletedTask;
        public Task PendingWrite { get; set; } = Task.CompletedTask;

        public void Signal() => _signal.Writer.TryWrite(true);

        public void StartOnce(Func<Lane, Task> run)
        {
            if (Interlocked.Exchange(ref _started, 1) != 0) return;
            // Not the caller's context: a lane outlives the request that woke it (and its log scope).
            using (ExecutionContext.SuppressFlow()) Running = Task.Run(() => run(this));
        }

        /// <summary>Waits for a signal or the timeout, whichever comes first.</summary>
        public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken token)
        {
            using var timer = timeout == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(timeout, time);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(token, timer.Token);
            try
            {
                await _signal.Reader.ReadAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!token.IsCancellationRequested)
            {
            }
        }
    }
}
