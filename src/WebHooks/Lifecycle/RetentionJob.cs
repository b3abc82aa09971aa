using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WebHooks.Events;
using WebHooks.Storage;

namespace WebHooks.Lifecycle;

/// <summary>
/// The housekeeping pass, at start-up and then every <see cref="Interval"/> (on the injected clock), on one instance at
/// a time: buffers of webhooks deactivated longer than <see cref="BufferOptions.Retention"/> are dropped, events that no
/// webhook needs any more are deleted (<see cref="RetentionRules"/>), idempotency records older than 24 hours and
/// delivery attempts older than <see cref="AttemptRetention"/> go.
/// </summary>
public sealed class RetentionJob(
    IWebHooksStorage storage,
    WebHooksOptions options,
    TimeProvider time,
    ILogger<RetentionJob> logger) : BackgroundService
{
    public const string JobName = "retention";
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    public static readonly TimeSpan AttemptRetention = TimeSpan.FromDays(7);

    private int _passes;

    /// <summary>Completed passes since start (on this instance), for tests and diagnostics.</summary>
    public int Passes => Volatile.Read(ref _passes);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Retention pass failed; the next one tries again");
            }
        }
        while (await timer.TickOrStopAsync(stoppingToken));
    }

    /// <summary>One pass, unless another instance is running one; null then.</summary>
    public async Task<RetentionResult?> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await using var leadership = await storage.Maintenance.TryLeadAsync(JobName, cancellationToken);
        if (leadership is null) return null;

        var policy = new RetentionPolicy(time.GetUtcNow().UtcDateTime, options.Buffer.Period, options.Buffer.Retention,
            EventIntake.IdempotencyWindow, AttemptRetention);
        var result = await storage.Maintenance.PurgeAsync(policy, cancellationToken);
        Interlocked.Increment(ref _passes);
        if (result.PurgedBuffers + result.DeletedEvents + result.DeletedIdempotencyRecords + result.DeletedAttempts > 0)
            logger.LogInformation(
                "Retention: dropped the buffers of {Buffers} webhooks ({Buffered} events) deactivated more than {Retention} ago; " +
                "deleted {Events} events no webhook needs, {Keys} idempotency records and {Attempts} delivery attempts",
                result.PurgedBuffers, result.PurgedBufferedEvents, options.Buffer.Retention, result.DeletedEvents,
                result.DeletedIdempotencyRecords, result.DeletedAttempts);
        return result;
    }
}
