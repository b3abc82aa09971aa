using System.Diagnostics;
using WebHooks.Events;

namespace WebHooks.Delivery;

/// <summary>
/// Deliveries make way for publishes when the process is short of CPU. A publish's steps (reading its request,
/// answering it) run on the thread pool, queued behind whatever work is there; with many lanes delivering to fast
/// receivers, that work is mostly the deliveries', and each publish waits behind it, while its caller waits for the
/// answer and the deliveries are asynchronous anyway. So every <see cref="ProbeInterval"/> this measures how long a
/// work item waits in the pool's queue. While publishes come and that wait is long, the limit of attempts in flight
/// (<see cref="DeliverySlots.Limit"/>) goes down by a quarter per probe, not below <see cref="Floor"/>; while they
/// come and the wait is short, it goes up by one; when none came for <see cref="PublishesLinger"/>, it is the whole
/// capacity again.
/// </summary>
/// <remarks>
/// Attempts waiting on slow receivers use no CPU and do not lengthen the queue: the limit stays up for them. Lowering
/// the limit takes no attempt back; new ones wait.
/// </remarks>
public sealed class DeliveryThrottle(
    DeliverySlots slots, PublishActivity publishes, int floor, Func<CancellationToken, Task<TimeSpan>> queueDelay, TimeProvider time)
{
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How long after the last publish seen publishes still count as coming. A group commit answers its publishers
    /// together, and their next publishes come together, after their own wait in the queue: between two groups a probe
    /// may see none under way and none begun.
    /// </summary>
    public static readonly TimeSpan PublishesLinger = TimeSpan.FromMilliseconds(100);

    /// <summary>A queue delay from which the limit goes down.</summary>
    public static readonly TimeSpan Busy = TimeSpan.FromMilliseconds(1);

    /// <summary>A queue delay up to which the limit goes up.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(0.25);

    /// <summary>Probes the thread pool; the floor is two attempts per core, at most the capacity.</summary>
    public DeliveryThrottle(DeliverySlots slots, PublishActivity publishes)
        : this(slots, publishes, 2 * Environment.ProcessorCount, ThreadPoolQueueDelayAsync, TimeProvider.System)
    {
    }

    public int Floor { get; } = Math.Clamp(floor, 1, slots.Capacity);

    /// <summary>The limit after a probe that measured <paramref name="delay"/> while publishes come, or after a tick without them.</summary>
    public static int NextLimit(int limit, TimeSpan delay, bool publishing, int floor, int capacity) =>
        !publishing ? capacity
        : delay >= Busy ? Math.Max(floor, Math.Min(limit - 1, limit * 3 / 4))
        : delay <= Quiet ? Math.Min(capacity, limit + 1)
        : limit;

    /// <summary>Probes until <paramref name="stoppingToken"/> is cancelled; the limit is back at the capacity then.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var timer = new PeriodicTimer(ProbeInterval, time);
            var begun = publishes.Begun;
            var lastSeen = long.MinValue;
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var begunNow = publishes.Begun;
                if (publishes.UnderWay > 0 || begunNow != begun) lastSeen = time.GetTimestamp();
                begun = begunNow;
                var publishing = lastSeen != long.MinValue && time.GetElapsedTime(lastSeen) < PublishesLinger;
                var delay = publishing ? await queueDelay(stoppingToken) : TimeSpan.Zero;
                var limit = slots.Limit;
                var next = NextLimit(limit, delay, publishing, Floor, slots.Capacity);
                if (next != limit) slots.Limit = next;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            slots.Limit = slots.Capacity;
        }
    }

    /// <summary>How long a work item queued now waits in the thread pool's global queue (where I/O completions go) before it runs.</summary>
    public static Task<TimeSpan> ThreadPoolQueueDelayAsync(CancellationToken cancellationToken)
    {
        var ran = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = Stopwatch.GetTimestamp();
        ThreadPool.UnsafeQueueUserWorkItem(static probe => probe.Ran.SetResult(Stopwatch.GetElapsedTime(probe.Queued)), (Ran: ran, Queued: queued), preferLocal: false);
        return ran.Task;
    }
}
