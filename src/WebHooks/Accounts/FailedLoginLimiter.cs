using System.Threading.RateLimiting;

namespace WebHooks.Accounts;

/// <summary>
/// Failed logins per client address, whatever the names tried: a client that fails more than
/// <see cref="FailuresPerMinute"/> times a minute has its further logins refused before any password is hashed, so
/// that a flood of guesses under random names cannot eat the CPU that the other callers' logins need. Logins already
/// verified (in the login cache) still pass. Kept per instance, in memory: it protects that instance's CPU.
/// </summary>
public sealed class FailedLoginLimiter : IDisposable
{
    public const int FailuresPerMinute = 30;

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(client =>
        // A fixed window, not a token bucket: a bucket refills a little at a time, so slow hashing alone (a few logins
        // a second) would keep a flood just under it.
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = FailuresPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }), StringComparer.Ordinal);

    /// <summary>Has the client used up its failures? Asks without using any (an acquisition of 0 permits always succeeds).</summary>
    public bool IsBlocked(string client) => _limiter.GetStatistics(client)?.CurrentAvailablePermits <= 0;

    public void Failed(string client)
    {
        using var _ = _limiter.AttemptAcquire(client, 1);
    }

    public void Dispose() => _limiter.Dispose();
}
