using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebHooks.Events;
using WebHooks.Lifecycle;
using WebHooks.Observability;
using WebHooks.Storage;

namespace WebHooks.Delivery;

/// <summary>
/// The delivery engine. A webhook with something to deliver gets a lane: an async loop that claims the webhook's lease
/// (one owner at a time, across instances, keeps per-webhook order), reads the events after its offset, POSTs them in
/// order and saves how far it got. Lanes run in parallel, bounded by <see cref="DeliveryOptions.MaxConcurrency"/>
/// attempts in flight, shared between accounts by <see cref="DeliverySlots"/>, so a slow URL only slows its own lane
/// and a busy account only itself. A lane gives its lease up when it has nothing to do or
/// waits for a retry, and ends when idle; new events, changes and the periodic poll wake it again.
/// </summary>
public sealed class DeliveryLoop(
    IWebHooksStorage storage,
    IWebHookSender sender,
    Deactivation deactivation,
    AttemptLog attempts,
    PublishActivity publishes,
    WebHooksMeter meter,
    DeliveryOptions options,
    TimeProvider time,
    ILogger<DeliveryLoop> logger) : BackgroundService, IDeliverySignals
{
    private const int BatchSize = 64;

    /// <summary>
    /// Progress is saved at most this often while a lane is busy (and always before it pauses); each save also renews the
    /// lane's lease. Delivery is at-least-once: a crash in between delivers those events again, with the same
    /// <c>webhook-id</c>. Every 100 ms cost a save for every other event of a busy lane, a write that queued with the
    /// publishes' (on PostgreSQL, a round trip and a row version each): once a second, bench row p1b delivered 14-16 %
    /// more and p3b 26-39 % more in two pairs of runs, and fan-out (f) 15 % more in one. A short lease (the default is
    /// twice the delivery timeout) is renewed at least four times over, so that it outlasts a save interval plus an attempt.
    /// </summary>
    private readonly TimeSpan _saveInterval = Shorter(TimeSpan.FromSeconds(1), storage.Lanes.LeaseDuration / 4);

    /// <summary>
    /// How long a lane that ran out of events keeps its lease, waiting for the next one, before it saves and gives the
    /// lane up. Without it a webhook that gets a steady trickle (every webhook of a fan-out, each at the publish rate)
    /// paid a progress write, a release and a new claim per event, and those writes queued before the publishes'. A
    /// second covers the trickles measured (a webhook among 50 at a few hundred events/s gets one every 100-200 ms) and
    /// stays far below any lease; meanwhile the stored offset may lag the last delivery by that much.
    /// </summary>
    private static readonly TimeSpan IdleLinger = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<int, Lane> _lanes = new();

    // Slots are shared between accounts, so one account's many slow lanes cannot starve another's.
    private readonly DeliverySlots _slots = new(Math.Max(1, options.MaxConcurrency));

    // Lanes that are failing (often: hanging until the timeout) may hold at most a quarter of the slots, so that a
    // few dead URLs cannot starve the healthy ones; that quarter is shared the same way.
    private readonly DeliverySlots _failingSlots = new(Math.Max(1, options.MaxConcurrency / 4));
    private readonly RetrySchedule _retries = new(options.EffectiveRetrySchedule);
    private readonly Channel<bool> _pollNow = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private CancellationToken _stopping = new(canceled: true);

    public void Changed(int webHookId) => Wake(webHookId, changed: true);

    public void EventsAppended(IEnumerable<int> webHookIds)
    {
        foreach (var id in webHookIds) Wake(id, changed: false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        meter.Observe(_slots);
        storage.Signals.WebHooksTouched += Touched;
        storage.Signals.EventsAppended += Appended;
        var throttle = options.YieldToPublishes == true ? new DeliveryThrottle(_slots, publishes).RunAsync(stoppingToken) : Task.CompletedTask;
        try
        {
            // The poll starts lanes for due webhooks: all of them at start-up, and any whose signal was missed.
            using var timer = new PeriodicTimer(storage.Signals.PollInterval, time);
            do
            {
                try
                {
                    foreach (var id in await storage.Lanes.FindDueAsync(time.GetUtcNow().UtcDateTime, 10_000, stoppingToken))
                        if (!_lanes.ContainsKey(id)) Wake(id);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Looking for due webhooks failed");
                }
            }
            while (await NextPollAsync(timer, stoppingToken));
        }
        finally
        {
            storage.Signals.WebHooksTouched -= Touched;
            storage.Signals.EventsAppended -= Appended;
            await Task.WhenAll(_lanes.Values.Select(l => l.Running).Append(throttle));
        }
    }

    /// <summary>The next tick, or earlier when another instance's signals may have been lost.</summary>
    private async Task<bool> NextPollAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        var tick = timer.TickOrStopAsync(stoppingToken);
        var asked = _pollNow.Reader.WaitToReadAsync(stoppingToken).AsTask();
        if (await Task.WhenAny(tick, asked) == asked && !stoppingToken.IsCancellationRequested)
        {
            _pollNow.Reader.TryRead(out _);
            return true;
        }
        return await tick;
    }

    /// <summary>
    /// Another instance published for these webhooks and woke its own lanes. Only a lane this instance runs is woken:
    /// the publisher's claims the webhook unless some instance holds it, and that one runs a lane. (Starting lanes
    /// here made every instance try a claim that all but one lost: 46,608 claims for 26,000 events on three
    /// instances.) A lane that let go just as the publish came is found by the next poll.
    /// </summary>
    private void Appended(IReadOnlyList<int> webHookIds)
    {
        foreach (var id in webHookIds)
            if (_lanes.TryGetValue(id, out var lane)) lane.Signal();
    }

    private void Touched(IReadOnlyList<int> webHookIds)
    {
        if (webHookIds.Count == 0) _pollNow.Writer.TryWrite(true);
        // Another instance changed (deleted, rotated) these webhooks: look again.
        foreach (var id in webHookIds) Wake(id, changed: true);
    }

    private void Wake(int webHookId, bool changed = false)
    {
        if (_stopping.IsCancellationRequested) return;
        var lane = _lanes.GetOrAdd(webHookId, id => new Lane(id));
        if (changed) lane.Changed = true;
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
            logger.LogError(e, "Lane of webhook {WebHookId} failed; the next poll starts it again", lane.Id);
        }
        finally
        {
            _lanes.TryRemove(new KeyValuePair<int, Lane>(lane.Id, lane));
        }

        // A signal may have reached this lane while it was ending: look once more.
        if (lane.HasSignal) Wake(lane.Id);
    }

    private async Task LaneLoopAsync(Lane lane)
    {
        LaneLease? lease = null;
        var progress = default(DeliveryProgress);
        var saved = default(DeliveryProgress);
        long lastSave = 0;
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                // A signal that arrives from here on may mean events committed after the read below: look again then.
                lane.TakeSignal();
                if (lease is null)
                {
                    lease = await storage.Lanes.TryClaimAsync(lane.Id, _stopping);
                    if (lease is null) return; // gone, deactivated, or another instance delivers it
                    progress = saved = lease.WebHook.Progress;
                    lastSave = Stopwatch.GetTimestamp();
                }
                else if (lane.Changed && !await SaveAsync())
                {
                    return; // a change (a new secret, a deletion) came while the lane held its lease: take the stored webhook first
                }

                var now = time.GetUtcNow().UtcDateTime;
                if (progress!.NextAttemptAt is { } due && due > now)
                {
                    // Waiting for a retry: give the lane up meanwhile, so that any instance may take it when it is due.
                    await ReleaseAsync(lease, progress, saved);
                    lease = null;
                    await lane.WaitUntilAsync(due, time, _stopping);
                    continue;
                }

                var limit = progress.Offset.ReadLimit(long.MaxValue);
                var events = await storage.Events.ReadAsync(lane.Id, progress.Offset.Delivered, limit, BatchSize, _stopping);
                if (events.Count == 0)
                {
                    if (await IdleAsync()) continue;
                    return; // idle: the next publish or change wakes a new lane
                }

                var webHook = lease.WebHook;
                var (next, failure) = await DeliverAsync(lane, webHook, events, progress, lastSave);
                progress = next;
                // The read returned all there was (no replay limit cut it short), all of it went out, and no signal
                // came since the read: every event committed after it signals, so a read now would find nothing.
                var caughtUp = failure is null && events.Count < BatchSize && limit == long.MaxValue
                    && progress.Offset.Delivered == events[^1].Sequence && !lane.HasSignal;
                if (failure is { } failed)
                {
                    var ended = await FailedAsync(lease, events[failed.Index], failed.Result, progress);
                    if (ended is null)
                    {
                        lease = null; // deactivated or deleted: the lease went with it
                        return;
                    }
                    progress = ended;
                }

                // Saving also tells whether the lane still holds: after a change the webhook may be gone.
                if ((failure is not null || lane.Changed || Stopwatch.GetElapsedTime(lastSave) >= _saveInterval) && !await SaveAsync())
                    return;
                if (caughtUp && !await IdleAsync()) return;
            }
        }
        finally
        {
            if (lease is not null) await ReleaseAsync(lease, progress, saved);
        }

        // Nothing to deliver: keeps the lease a while for the next event; true when one came (or a signal while
        // releasing), false when the lane ends.
        async Task<bool> IdleAsync()
        {
            if (await lane.WaitForSignalAsync(IdleLinger, _stopping)) return true;
            var more = await ReleaseAsync(lease!, progress, saved);
            lease = null;
            return lane.HasSignal || more;
        }

        // Saves the lane's progress and takes the webhook as stored; false when the lane no longer holds it.
        async Task<bool> SaveAsync()
        {
            lane.Changed = false;
            var stored = await storage.Lanes.SaveAsync(lease!, progress!, _stopping);
            if (stored is null)
            {
                lease = null; // lost: another instance owns it now, or it was deleted or deactivated
                return false;
            }
            lease = lease! with { WebHook = stored };
            saved = progress;
            lastSave = Stopwatch.GetTimestamp();
            return true;
        }
    }

    /// <summary>
    /// Delivers a batch in order; stops at the first failure and says which. Also stops early when progress is due to be
    /// saved or the webhook may have changed (deleted, say), so that the loop looks again.
    /// </summary>
    private async Task<(DeliveryProgress Progress, (int Index, AttemptResult Result)? Failure)> DeliverAsync(
        Lane lane, WebHookRecord webHook, IReadOnlyList<StoredEvent> events, DeliveryProgress progress, long lastSave)
    {
        var window = Math.Max(1, options.MaxConcurrencyPerWebHook);
        for (var start = 0; start < events.Count; start += window)
        {
            if (start > 0 && (lane.Changed || Stopwatch.GetElapsedTime(lastSave) >= _saveInterval)) break;
            var count = Math.Min(window, events.Count - start);
            var results = await Task.WhenAll(Enumerable.Range(start, count).Select(i => AttemptAsync(webHook, events[i], progress.Failures)));
            for (var i = 0; i < count; i++)
            {
                if (results[i].Outcome != AttemptOutcome.Delivered) return (progress, (start + i, results[i]));
                progress = progress with { Offset = progress.Offset.Advance(events[start + i].Sequence), Failures = 0, NextAttemptAt = null };
            }
        }
        return (progress, null);
    }

    private async Task<AttemptResult> AttemptAsync(WebHookRecord webHook, StoredEvent e, int failures)
    {
        using var failingSlot = failures > 0 ? await _failingSlots.AcquireAsync(webHook.Account, _stopping) : null;
        using var slot = await _slots.AcquireAsync(webHook.Account, _stopping);
        var started = time.GetTimestamp();
        var request = new DeliveryRequest(webHook.Url, webHook.Secrets.ValidAt(time.GetUtcNow().UtcDateTime), e.EventId, webHook.Event, e.Data);
        var result = await sender.SendAsync(request, _stopping);
        var duration = time.GetElapsedTime(started);
        meter.Attempted(result.Outcome, duration);
        attempts.Record(webHook, e, failures, result, duration);
        return result;
    }

    /// <summary>
    /// An attempt failed: schedule the retry, or end the webhook (deactivation, or deletion of a gone REST hook).
    /// Returns the progress to go on with, or null when the lane ended.
    /// </summary>
    private async Task<DeliveryProgress?> FailedAsync(LaneLease lease, StoredEvent e, AttemptResult result, DeliveryProgress progress)
    {
        var failures = progress.Failures + 1;
        var gone = result.Outcome == AttemptOutcome.Gone;
        logger.LogInformation("Delivery of {EventId} to webhook {WebHookId} failed ({Failures} in a row): {Error}",
            e.EventId, lease.WebHookId, failures, result.Error);

        if (gone || failures >= options.DeactivateAfterFailures)
        {
            await deactivation.DeactivateAsync(lease, progress with { Failures = failures, LastError = result.Error, NextAttemptAt = null }, gone);
            return null;
        }
        return progress with
        {
            Failures = failures,
            LastError = result.Error,
            NextAttemptAt = time.StoredNow() + _retries.Next(failures, result.RetryAfter),
        };
    }

    /// <summary>
    /// Gives the lane up, saving what is not saved yet; never throws (the lease then simply expires). True when events
    /// came meanwhile that are due now: their publisher may have left them to this lane (see <see cref="ILaneStore.ReleaseAsync"/>).
    /// </summary>
    private async Task<bool> ReleaseAsync(LaneLease lease, DeliveryProgress? progress, DeliveryProgress? saved)
    {
        try
        {
            var head = await storage.Lanes.ReleaseAsync(lease, progress == saved ? null : progress, CancellationToken.None);
            return head is { } h && progress is not null && progress.Offset.HasWork(h) && !(progress.NextAttemptAt > time.GetUtcNow().UtcDateTime);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Releasing the lane of webhook {WebHookId} failed; its lease expires by itself", lease.WebHookId);
            return false;
        }
    }

    private static TimeSpan Shorter(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private sealed class Lane(int id)
    {
        private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        private int _started;

        public int Id { get; } = id;
        public Task Running { get; private set; } = Task.CompletedTask;

        /// <summary>The webhook may have changed (deleted, rotated): the lane saves, which tells it, before going on.</summary>
        public volatile bool Changed;

        public void Signal() => _signal.Writer.TryWrite(true);

        public bool HasSignal => _signal.Reader.Count > 0;

        public void TakeSignal() => _signal.Reader.TryRead(out _);

        /// <summary>
        /// True when a signal came within <paramref name="linger"/>. Wall-clock time on purpose: this only saves work,
        /// it decides nothing a test could wait for, and a lane must not hold its lease while a fake clock stands still.
        /// </summary>
        public async Task<bool> WaitForSignalAsync(TimeSpan linger, CancellationToken token)
        {
            if (HasSignal) return true;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(linger);
            try
            {
                return await _signal.Reader.WaitToReadAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!token.IsCancellationRequested)
            {
                return false;
            }
        }

        public void StartOnce(Func<Lane, Task> run)
        {
            if (Interlocked.Exchange(ref _started, 1) != 0) return;
            // Not the caller's context: a lane outlives the request that woke it (and its log scope).
            using (ExecutionContext.SuppressFlow()) Running = Task.Run(() => run(this));
        }

        /// <summary>Waits until <paramref name="due"/> on the given clock; signals meanwhile do not shorten the wait.</summary>
        public async Task WaitUntilAsync(DateTime due, TimeProvider time, CancellationToken token)
        {
            var wait = due - time.GetUtcNow().UtcDateTime;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, time, token);
        }
    }
}
