namespace WebHooks.Delivery;

/// <summary>
/// Slots for delivery attempts, shared fairly between accounts. At most <see cref="Limit"/> leases are out at once:
/// the <see cref="Capacity"/>, or fewer while <see cref="DeliveryThrottle"/> makes way for publishes. When slots are
/// contended, a free slot goes to the waiting account that holds the fewest, and among those to the one whose turn
/// is oldest (since it last got a slot or began to wait): round-robin. Within an account, waiters are served in
/// arrival order.
/// <para>
/// Slots held by slow receivers come free in bursts (all started together, all answer together), so an
/// account that asks between two bursts would wait a whole response time for each attempt. Therefore the
/// last <see cref="Reserve"/> free slots go only to an account that holds none, while other accounts hold
/// or wait for slots too: an account that starts sending gets its first slot at once. An account alone may
/// use every slot.
/// </para>
/// </summary>
public sealed class DeliverySlots
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Holder> _holders = new(StringComparer.Ordinal); // holding or waiting

    // The accounts that have waiters, next in line first. A holder's place depends on Held and Turn,
    // so it leaves the set before either changes and comes back after.
    private readonly SortedSet<Holder> _contenders = new(Comparer<Holder>.Create(static (x, y) =>
        x.Held != y.Held ? x.Held.CompareTo(y.Held) : x.Turn.CompareTo(y.Turn)));

    private int _inUse;
    private int _limit;
    private long _turns;

    /// <param name="capacity">Leases out at once, all accounts.</param>
    /// <param name="reserve">Free slots kept for accounts that hold none; by default 1/16 of the capacity (4 of 64, none below 16).</param>
    public DeliverySlots(int capacity, int? reserve = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = _limit = capacity;
        Reserve = reserve ?? capacity / 16;
        ArgumentOutOfRangeException.ThrowIfNegative(Reserve, nameof(reserve));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(Reserve, capacity, nameof(reserve));
    }

    public int Capacity { get; }

    /// <summary>
    /// Leases out at once for now, between 1 and <see cref="Capacity"/> (at first the capacity). Lowering it takes no
    /// lease back: new ones wait until fewer than the limit are out.
    /// </summary>
    public int Limit
    {
        get { lock (_lock) return _limit; }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Capacity);
            lock (_lock)
            {
                _limit = value;
                GrantFreeSlots();
            }
        }
    }

    public int Reserve { get; }

    /// <summary>Leases out now, all accounts.</summary>
    public int InUse
    {
        get { lock (_lock) return _inUse; }
    }

    /// <summary>Leases the account holds now.</summary>
    public int HeldBy(string account)
    {
        lock (_lock) return _holders.TryGetValue(account, out var holder) ? holder.Held : 0;
    }

    /// <summary>Acquisitions of the account that wait for a slot now.</summary>
    public int WaitingFor(string account)
    {
        lock (_lock) return _holders.TryGetValue(account, out var holder) ? holder.Waiters.Count : 0;
    }

    /// <summary>
    /// A slot for <paramref name="account"/>; dispose the lease to give it back. Cancelling the wait takes
    /// no slot; a wait that was granted before the cancellation returns its lease as usual.
    /// </summary>
    public ValueTask<Lease> AcquireAsync(string account, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<Lease>(cancellationToken);

        Waiter waiter;
        lock (_lock)
        {
            if (!_holders.TryGetValue(account, out var holder)) _holders[account] = holder = new Holder(account);
            waiter = new Waiter(this, holder, cancellationToken);
            _contenders.Remove(holder);
            if (holder.Waiters.Count == 0) holder.Turn = ++_turns;
            waiter.Node = holder.Waiters.AddLast(waiter);
            _contenders.Add(holder);
            GrantFreeSlots();
            if (waiter.Node is null) return new ValueTask<Lease>(waiter.Granted.Task); // granted at once
        }

        if (cancellationToken.CanBeCanceled)
        {
            // Registered outside the lock: a token cancelled meanwhile runs the callback right here.
            var registration = cancellationToken.UnsafeRegister(static state => ((Waiter)state!).Cancel(), waiter);
            lock (_lock)
            {
                if (waiter.Node is not null) waiter.Registration = registration;
                else registration.Unregister(); // granted or cancelled already
            }
        }
        return new ValueTask<Lease>(waiter.Granted.Task);
    }

    private void Release(Holder holder)
    {
        lock (_lock)
        {
            var contending = _contenders.Remove(holder);
            holder.Held--;
            _inUse--;
            if (contending) _contenders.Add(holder);
            ForgetIfIdle(holder);
            GrantFreeSlots();
        }
    }

    private void Cancel(Waiter waiter)
    {
        lock (_lock)
        {
            if (waiter.Node is null) return; // granted first: the caller has its lease
            var holder = waiter.Holder;
            _contenders.Remove(holder);
            holder.Waiters.Remove(waiter.Node);
            waiter.Node = null;
            if (holder.Waiters.Count > 0) _contenders.Add(holder);
            ForgetIfIdle(holder);
            waiter.Granted.SetCanceled(waiter.Token);
            GrantFreeSlots(); // an account that is alone now may take the reserve
        }
    }

    /// <summary>Hands free slots to the next in line while it may take one.</summary>
    private void GrantFreeSlots()
    {
        // The first in line holds the fewest: when it may not take a reserved slot, no one may.
        // Under a lower limit the reserve shrinks with it (rounded up: a reserve of one or more keeps one).
        var reserve = (Reserve * _limit + Capacity - 1) / Capacity;
        while (_inUse < _limit && _contenders.Min is { } next
               && (next.Held == 0 || _limit - _inUse > reserve || _holders.Count == 1))
        {
            _contenders.Remove(next);
            var waiter = next.Waiters.First!.Value;
            next.Waiters.RemoveFirst();
            waiter.Node = null;
            next.Held++;
            next.Turn = ++_turns;
            _inUse++;
            if (next.Waiters.Count > 0) _contenders.Add(next);

            waiter.Registration.Unregister();
            // The caller's continuation runs elsewhere (RunContinuationsAsynchronously), not under this lock.
            waiter.Granted.SetResult(new Lease(this, next));
        }
    }

    private void ForgetIfIdle(Holder holder)
    {
        if (holder.Held == 0 && holder.Waiters.Count == 0) _holders.Remove(holder.Account);
    }

    /// <summary>One slot; <see cref="Dispose"/> gives it back (a second call does nothing).</summary>
    public sealed class Lease : IDisposable
    {
        private readonly Holder _holder;
        private DeliverySlots? _slots;

        internal Lease(DeliverySlots slots, Holder holder) => (_slots, _holder) = (slots, holder);

        public void Dispose() => Interlocked.Exchange(ref _slots, null)?.Release(_holder);
    }

    internal sealed class Holder(string account)
    {
        public string Account { get; } = account;
        public int Held;
        public long Turn;
        public readonly LinkedList<Waiter> Waiters = new();
    }

    internal sealed class Waiter(DeliverySlots slots, Holder holder, CancellationToken token)
    {
        public Holder Holder { get; } = holder;
        public CancellationToken Token { get; } = token;
        public readonly TaskCompletionSource<Lease> Granted = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Set while queued; null once granted or cancelled.</summary>
        public LinkedListNode<Waiter>? Node;

        public CancellationTokenRegistration Registration;

        public void Cancel() => slots.Cancel(this);
    }
}
