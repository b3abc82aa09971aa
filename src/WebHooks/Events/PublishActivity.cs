namespace WebHooks.Events;

/// <summary>The publishes of this process: how many are under way and how many began. Deliveries make way for them (<see cref="Delivery.DeliveryThrottle"/>).</summary>
public sealed class PublishActivity
{
    private int _underWay;
    private long _begun;

    public int UnderWay => Volatile.Read(ref _underWay);

    public long Begun => Interlocked.Read(ref _begun);

    /// <summary>A publish begins; disposing the scope ends it.</summary>
    public Scope Begin()
    {
        Interlocked.Increment(ref _underWay);
        Interlocked.Increment(ref _begun);
        return new Scope(this);
    }

    public readonly struct Scope(PublishActivity activity) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref activity._underWay);
    }
}
