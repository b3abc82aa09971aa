using System.Threading.RateLimiting;

namespace WebHooks.Accounts;

/// <summary>
/// Failures per client address, whatever the names or keys tried: a client that fails more than its allowance a
/// minute has its further attempts refused before any work is done for them. Kept per instance, in memory: it
/// protects that instance's CPU and its database.
/// </summary>
public abstract class ClientFailureLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    protected ClientFailureLimiter(int failuresPerMinute) =>
        _limiter = PartitionedRateLimiter.Create<string, string>(client =>
            // A fixed window, not a token bucket: a bucket refills a little at a time, so slow hashing alone (a few
            // logins a second) would keep a flood just under it.
            RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = failuresPerMinute,
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

    public void Dispose()
    {
        _limiter.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// Failed logins per client address: a client that fails more than <see cref="FailuresPerMinute"/> times a minute has
/// its further logins refused before any password is hashed, so that a flood of guesses under random names cannot eat
/// the CPU that the other callers' logins need. Logins already verified (in the login cache) still pass.
/// </summary>
public sealed class FailedLoginLimiter() : ClientFailureLimiter(FailuresPerMinute)
{
    public const int FailuresPerMinute = 30;
}

/// <summary>
/// Unknown API keys per client address (<see cref="ApiKeys"/>). A key holds 256 random bits, so guessing one is hopeless
/// at any rate; what this bounds is the cost of trying: past <see cref="FailuresPerMinute"/> unknown keys a minute, a
/// client's keys are refused without a look-up until its allowance refills. Generous, because automation platforms
/// call from a few shared addresses, where one customer's revoked key must not lock the others out.
/// </summary>
public sealed class FailedApiKeyLimiter() : ClientFailureLimiter(FailuresPerMinute)
{
    public const int FailuresPerMinute = 120;
}
