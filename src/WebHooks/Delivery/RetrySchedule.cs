namespace WebHooks.Delivery;

/// <summary>When to try again after a failed attempt (spec 5.3).</summary>
public sealed class RetrySchedule(IReadOnlyList<TimeSpan> delays, Random? random = null)
{
    public const double Jitter = 0.2;

    private readonly Random _random = random ?? Random.Shared;

    /// <summary>The scheduled delay before the next attempt after the <paramref name="failures"/>-th failure in a row.</summary>
    public TimeSpan Scheduled(int failures) => delays[Math.Clamp(failures - 1, 0, delays.Count - 1)];

    /// <summary>
    /// The delay to wait: the scheduled one with up to ±20 % jitter, or what the receiver asked for
    /// with Retry-After, capped at twice the scheduled delay.
    /// </summary>
    public TimeSpan Next(int failures, TimeSpan? retryAfter = null)
    {
        var scheduled = Scheduled(failures);
        if (retryAfter is { } asked && asked >= TimeSpan.Zero)
            return asked < scheduled * 2 ? asked : scheduled * 2;
        var factor = 1 + (_random.NextDouble() * 2 - 1) * Jitter;
        return scheduled * factor;
    }
}
