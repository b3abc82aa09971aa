using WebHooks.Delivery;

namespace WebHooks.Tests.Delivery;

/// <summary>
/// The sharing rules of <see cref="DeliverySlots"/>. A grant happens inside the release (or the acquire) that
/// causes it, so these tests check right after each step; nothing waits on a clock.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class DeliverySlotsTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [TestMethod]
    public void An_account_alone_may_use_every_slot_the_reserve_too()
    {
        var slots = new DeliverySlots(16);
        Assert.AreEqual(1, slots.Reserve);

        var leases = Enumerable.Range(0, 16).Select(_ => slots.AcquireAsync("a").AsTask()).ToList();
        var next = slots.AcquireAsync("a").AsTask();

        Assert.IsTrue(leases.All(t => t.IsCompletedSuccessfully), "all sixteen slots at once");
        Assert.IsFalse(next.IsCompleted, "the capacity holds");
        leases[0].Result.Dispose();
        Assert.IsTrue(next.IsCompletedSuccessfully, "a released slot goes to the waiter");
        Assert.AreEqual(16, slots.HeldBy("a"));
    }

    [TestMethod]
    public void While_accounts_share_the_slots_the_reserve_waits_for_an_account_that_holds_none()
    {
        var slots = new DeliverySlots(16, reserve: 2);
        var a = Enumerable.Range(0, 20).Select(_ => slots.AcquireAsync("a").AsTask()).ToList();
        var b = Enumerable.Range(0, 20).Select(_ => slots.AcquireAsync("b").AsTask()).ToList();

        // a alone took everything; b gets each released slot while it holds fewer.
        Assert.AreEqual(16, slots.HeldBy("a"));
        foreach (var lease in a.Take(9)) lease.Result.Dispose();
        Assert.AreEqual((7, 7), (slots.HeldBy("a"), slots.HeldBy("b")), "two slots stay free for a newcomer");
        Assert.AreEqual(14, slots.InUse);

        var c = slots.AcquireAsync("c").AsTask();
        var d = slots.AcquireAsync("d").AsTask();
        var e = slots.AcquireAsync("e").AsTask();
        Assert.IsTrue(c.IsCompletedSuccessfully && d.IsCompletedSuccessfully, "a newcomer gets a reserved slot at once");
        Assert.IsFalse(e.IsCompleted, "the capacity holds");

        c.Result.Dispose();
        Assert.IsTrue(e.IsCompletedSuccessfully, "e holds none");
        d.Result.Dispose();
        e.Result.Dispose();
        Assert.AreEqual(14, slots.InUse, "a and b, holding 7 each, leave the reserve free");
    }

    [TestMethod]
    public void When_the_other_accounts_leave_the_one_left_takes_the_reserve_too()
    {
        var slots = new DeliverySlots(16, reserve: 2);
        var a = Enumerable.Range(0, 7).Select(_ => slots.AcquireAsync("a").AsTask().Result).ToList();
        var b = Enumerable.Range(0, 7).Select(_ => slots.AcquireAsync("b").AsTask().Result).ToList();
        var aWaiting = Enumerable.Range(0, 20).Select(_ => slots.AcquireAsync("a").AsTask()).ToList();
        Assert.AreEqual(14, slots.InUse, "while b holds slots, a leaves the reserve free");

        foreach (var lease in b) lease.Dispose();

        Assert.AreEqual(16, slots.HeldBy("a"));
        Assert.AreEqual(9, aWaiting.Count(t => t.IsCompletedSuccessfully));
    }

    [TestMethod]
    public void An_account_with_many_waiters_cannot_make_another_wait_behind_them()
    {
        var slots = new DeliverySlots(4);
        var busy = Enumerable.Range(0, 4).Select(_ => slots.AcquireAsync("busy").AsTask().Result).ToList();
        var busyWaiting = Enumerable.Range(0, 100).Select(_ => slots.AcquireAsync("busy").AsTask()).ToList();
        var quiet = slots.AcquireAsync("quiet").AsTask();

        busy[0].Dispose();

        Assert.IsTrue(quiet.IsCompletedSuccessfully, "the first released slot goes to the account that holds none");
        Assert.IsFalse(busyWaiting.Any(t => t.IsCompleted));
        Assert.AreEqual(3, slots.HeldBy("busy"));
        Assert.AreEqual(1, slots.HeldBy("quiet"));

        busy[1].Dispose();
        Assert.IsTrue(busyWaiting[0].IsCompletedSuccessfully, "with no other account waiting, busy gets its slot back");
        Assert.AreEqual(99, slots.WaitingFor("busy"));
    }

    [TestMethod]
    public void A_released_slot_goes_to_the_waiting_account_that_holds_the_fewest()
    {
        var slots = new DeliverySlots(4);
        var a = Enumerable.Range(0, 3).Select(_ => slots.AcquireAsync("a").AsTask().Result).ToList();
        var b = slots.AcquireAsync("b").AsTask().Result;
        var aNext = slots.AcquireAsync("a").AsTask(); // a waits first
        var bNext = slots.AcquireAsync("b").AsTask();

        a[0].Dispose(); // a holds 2, b holds 1

        Assert.IsTrue(bNext.IsCompletedSuccessfully, "b holds fewer, though a waited longer");
        Assert.IsFalse(aNext.IsCompleted);

        b.Dispose(); // a holds 2, b holds 1 and waits for nothing
        Assert.IsTrue(aNext.IsCompletedSuccessfully);
        Assert.AreEqual((3, 1), (slots.HeldBy("a"), slots.HeldBy("b")));
    }

    [TestMethod]
    public void Accounts_that_hold_equally_take_turns()
    {
        var slots = new DeliverySlots(1);
        var order = new List<string>();
        var first = slots.AcquireAsync("x").AsTask().Result;
        var waiting = new List<(string Account, Task<DeliverySlots.Lease> Lease)>();
        foreach (var account in new[] { "a", "a", "a", "b", "b", "b", "c", "c", "c" })
            waiting.Add((account, slots.AcquireAsync(account).AsTask()));

        var current = first;
        for (var i = 0; i < 9; i++)
        {
            current.Dispose();
            var granted = waiting.Single(w => w.Lease.IsCompleted);
            waiting.Remove(granted);
            order.Add(granted.Account);
            current = granted.Lease.Result;
        }
        current.Dispose();

        CollectionAssert.AreEqual(new[] { "a", "b", "c", "a", "b", "c", "a", "b", "c" }, order);
        Assert.AreEqual(0, slots.InUse);
    }

    [TestMethod]
    public void Waiters_of_one_account_are_served_in_arrival_order()
    {
        var slots = new DeliverySlots(1);
        var held = slots.AcquireAsync("a").AsTask().Result;
        var waiting = Enumerable.Range(0, 5).Select(_ => slots.AcquireAsync("a").AsTask()).ToList();

        for (var i = 0; i < 5; i++)
        {
            held.Dispose();
            Assert.IsTrue(waiting[i].IsCompletedSuccessfully, $"waiter {i}");
            Assert.IsFalse(waiting.Skip(i + 1).Any(t => t.IsCompleted));
            held = waiting[i].Result;
        }
        held.Dispose();
        Assert.AreEqual(0, slots.InUse);
    }

    [TestMethod]
    public async Task A_cancelled_wait_takes_no_slot_and_leaves_no_waiter()
    {
        var slots = new DeliverySlots(1);
        var held = slots.AcquireAsync("a").AsTask().Result;
        using var cancel = new CancellationTokenSource();
        var waiting = slots.AcquireAsync("b", cancel.Token).AsTask();
        var behind = slots.AcquireAsync("c").AsTask();

        await cancel.CancelAsync();

        var thrown = await Assert.ThrowsExactlyAsync<TaskCanceledException>(() => waiting);
        Assert.AreEqual(cancel.Token, thrown.CancellationToken);
        Assert.AreEqual(0, slots.WaitingFor("b"));
        held.Dispose();
        Assert.IsTrue(behind.IsCompletedSuccessfully, "the slot passes over the cancelled waiter");
        behind.Result.Dispose();
        Assert.AreEqual(0, slots.InUse);
        Assert.AreEqual(0, slots.HeldBy("b"));
    }

    [TestMethod]
    public async Task A_token_cancelled_before_the_call_fails_at_once_even_with_free_slots()
    {
        var slots = new DeliverySlots(2);

        await Assert.ThrowsExactlyAsync<TaskCanceledException>(() => slots.AcquireAsync("a", new CancellationToken(canceled: true)).AsTask());

        Assert.AreEqual(0, slots.InUse);
    }

    [TestMethod]
    public async Task A_wait_granted_before_its_cancellation_keeps_its_lease()
    {
        var slots = new DeliverySlots(1);
        var held = slots.AcquireAsync("a").AsTask().Result;
        using var cancel = new CancellationTokenSource();
        var waiting = slots.AcquireAsync("b", cancel.Token).AsTask();

        held.Dispose();
        await cancel.CancelAsync();

        using (var lease = await waiting)
            Assert.AreEqual(1, slots.HeldBy("b"));
        Assert.AreEqual(0, slots.InUse);
    }

    [TestMethod]
    public void Disposing_a_lease_twice_gives_back_one_slot()
    {
        var slots = new DeliverySlots(2);
        var first = slots.AcquireAsync("a").AsTask().Result;
        var second = slots.AcquireAsync("a").AsTask().Result;

        first.Dispose();
        first.Dispose();

        Assert.AreEqual(1, slots.InUse);
        second.Dispose();
        Assert.AreEqual(0, slots.InUse);
    }

    [TestMethod]
    public void A_lower_limit_takes_no_lease_back_and_holds_new_ones_until_fewer_are_out()
    {
        var slots = new DeliverySlots(8);
        var held = Enumerable.Range(0, 6).Select(_ => slots.AcquireAsync("a").AsTask().Result).ToList();

        slots.Limit = 4;
        var next = slots.AcquireAsync("a").AsTask();

        Assert.AreEqual(6, slots.InUse, "the leases out stay out");
        Assert.IsFalse(next.IsCompleted, "six out of a limit of four: the next waits");
        held[0].Dispose();
        held[1].Dispose();
        Assert.IsFalse(next.IsCompleted, "four out of four");
        held[2].Dispose();
        Assert.IsTrue(next.IsCompletedSuccessfully, "three out: the waiter gets the fourth");
        Assert.AreEqual(4, slots.InUse);
    }

    [TestMethod]
    public void A_higher_limit_grants_the_waiting_acquisitions_at_once()
    {
        var slots = new DeliverySlots(8) { Limit = 2 };
        var acquisitions = Enumerable.Range(0, 5).Select(i => slots.AcquireAsync($"account{i}").AsTask()).ToList();
        Assert.AreEqual(2, acquisitions.Count(t => t.IsCompletedSuccessfully));

        slots.Limit = 4;
        Assert.AreEqual(4, acquisitions.Count(t => t.IsCompletedSuccessfully), "two more at once, with no release");
        slots.Limit = slots.Capacity;
        Assert.IsTrue(acquisitions.All(t => t.IsCompletedSuccessfully));
    }

    [TestMethod]
    public void Under_a_lower_limit_the_reserve_shrinks_with_it()
    {
        var slots = new DeliverySlots(16, reserve: 4) { Limit = 8 };
        var a = Enumerable.Range(0, 8).Select(_ => slots.AcquireAsync("a").AsTask().Result).ToList();
        var b = slots.AcquireAsync("b").AsTask();
        a[0].Dispose();
        Assert.IsTrue(b.IsCompletedSuccessfully, "b holds none and takes the slot");

        var more = slots.AcquireAsync("a").AsTask();
        a[1].Dispose();
        a[2].Dispose();
        Assert.IsFalse(more.IsCompleted, "two of eight stay free for a newcomer while a and b share: 4 × 8 / 16");
        a[3].Dispose();
        Assert.IsTrue(more.IsCompletedSuccessfully, "a third free slot is beyond that reserve");
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(9)]
    public void A_limit_out_of_1_to_the_capacity_is_refused(int limit)
    {
        var slots = new DeliverySlots(8);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => slots.Limit = limit);
        Assert.AreEqual(8, slots.Limit);
    }

    [TestMethod]
    [DataRow(3, 0)]
    [DataRow(8, 2)]
    public async Task Under_concurrent_use_the_capacity_holds_and_no_slot_leaks(int capacity, int reserve)
    {
        const int workers = 12, rounds = 400;
        var slots = new DeliverySlots(capacity, reserve);
        int inside = 0, most = 0, cancelled = 0, waited = 0, queued = 0;
        var allQueued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Every slot is taken until each worker has queued its first acquisition (and half of them cancelled
        // it), so waits and cancellations happen for certain; after that the workers race freely.
        var first = Enumerable.Range(0, capacity).Select(_ => slots.AcquireAsync("first").AsTask().Result).ToList();

        async Task WorkAsync(int worker)
        {
            var random = new Random(worker);
            var account = $"account{worker % 5}";
            for (var round = 0; round < rounds; round++)
            {
                using var cancel = new CancellationTokenSource();
                var acquiring = slots.AcquireAsync(account, cancel.Token).AsTask();
                if (!acquiring.IsCompleted) Interlocked.Increment(ref waited);
                if (round == 0 ? worker % 2 == 0 : random.Next(4) == 0) await cancel.CancelAsync(); // later: races with the grant
                if (round == 0 && Interlocked.Increment(ref queued) == workers) allQueued.SetResult();
                DeliverySlots.Lease lease;
                try
                {
                    lease = await acquiring;
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref cancelled);
                    continue;
                }

                using (lease)
                {
                    var now = Interlocked.Increment(ref inside);
                    InterlockedMax(ref most, now);
                    for (var turns = random.Next(3); turns >= 0; turns--) await LetOthersRunAsync();
                    Interlocked.Decrement(ref inside);
                }
            }
        }

        var running = Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkAsync(w))).ToList();
        await allQueued.Task.WaitAsync(Deadline);
        foreach (var lease in first) lease.Dispose();
        await Task.WhenAll(running).WaitAsync(Deadline);

        Assert.IsLessThanOrEqualTo(capacity, most, "leases out at once");
        Assert.IsGreaterThanOrEqualTo(workers, waited, "acquisitions that had to wait");
        Assert.IsGreaterThanOrEqualTo(workers / 2, cancelled, "waits that were cancelled");
        Assert.AreEqual(0, slots.InUse, "every slot came back");
        for (var a = 0; a < 5; a++)
            Assert.AreEqual((0, 0), (slots.HeldBy($"account{a}"), slots.WaitingFor($"account{a}")));
        Assert.AreEqual(capacity, Enumerable.Range(0, capacity).Count(_ => slots.AcquireAsync("after").AsTask().IsCompletedSuccessfully));
    }

    /// <summary>
    /// Resumes after the thread pool ran what was queued before (the global queue is FIFO). Task.Yield on a
    /// pool thread queues locally and often resumes at once, so the workers would not overlap.
    /// </summary>
    private static Task LetOthersRunAsync() =>
        Task.Factory.StartNew(static () => { }, CancellationToken.None, TaskCreationOptions.PreferFairness, TaskScheduler.Default);

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
            if (Interlocked.CompareExchange(ref target, value, seen) == seen) return;
    }
}
