namespace WebHooks;

public static class TimeProviderExtensions
{
    /// <summary>Now in UTC, to the millisecond: what LiteDB keeps, so stored and fresh values compare equal.</summary>
    public static DateTime StoredNow(this TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }
}

public static class PeriodicTimerExtensions
{
    /// <summary>Waits for the next tick; false when the timer or the service is stopping.</summary>
    public static async Task<bool> TickOrStopAsync(this PeriodicTimer timer, CancellationToken stopping)
    {
        try { return await timer.WaitForNextTickAsync(stopping); }
        catch (OperationCanceledException) { return false; }
    }
}
