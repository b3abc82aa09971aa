using System.Threading.Channels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WebHooks;
using WebHooks.Delivery;
using WebHooks.Events;

namespace WebHooks.Tests.Delivery;

/// <summary>
/// The rule by which <see cref="DeliveryThrottle"/> moves the slots' limit, and its probing loop driven by a fake clock
/// and scripted queue delays (the bench measures what it does under real load).
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class DeliveryThrottleTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Long = TimeSpan.FromMilliseconds(3), Short = TimeSpan.FromMilliseconds(0.1), Between = TimeSpan.FromMilliseconds(0.5);

    [TestMethod]
    [DataRow(64, 48)]
    [DataRow(8, 6)]
    [DataRow(3, 2)]
    [DataRow(5, 3)]
    [DataRow(2, 2)]
    public void A_long_queue_delay_lowers_the_limit_by_a_quarter_and_at_least_one_down_to_the_floor(int limit, int expected) =>
        Assert.AreEqual(expected, DeliveryThrottle.NextLimit(limit, Long, publishing: true, floor: 2, capacity: 64));

    [TestMethod]
    [DataRow(2, 3)]
    [DataRow(63, 64)]
    [DataRow(64, 64)]
    public void A_short_queue_delay_raises_the_limit_by_one_up_to_the_capacity(int limit, int expected) =>
        Assert.AreEqual(expected, DeliveryThrottle.NextLimit(limit, Short, publishing: true, floor: 2, capacity: 64));

    [TestMethod]
    public void A_delay_between_quiet_and_busy_leaves_the_limit()
    {
        Assert.IsTrue(DeliveryThrottle.Quiet < Between && Between < DeliveryThrottle.Busy);
        Assert.AreEqual(17, DeliveryThrottle.NextLimit(17, Between, publishing: true, floor: 2, capacity: 64));
    }

    [TestMethod]
    [DataRow(4)]
    [DataRow(40)]
    public void Without_publishes_the_limit_is_the_whole_capacity_at_once(int limit) =>
        Assert.AreEqual(64, DeliveryThrottle.NextLimit(limit, Long, publishing: false, floor: 2, capacity: 64));

    [TestMethod]
    public async Task While_publishes_come_long_delays_take_the_limit_to_the_floor_short_ones_up_and_without_them_it_is_whole_again()
    {
        var slots = new DeliverySlots(16);
        var publishes = new PublishActivity();
        var probes = new Probes();
        var time = new FakeTimeProvider();
        using var stop = new CancellationTokenSource();
        var running = new DeliveryThrottle(slots, publishes, floor: 4, probes.NextAsync, time).RunAsync(stop.Token);

        var publishing = publishes.Begin();
        var limits = new List<int>();
        for (var i = 0; i < 6; i++) limits.Add(await probes.AnswerAsync(time, Long, slots));
        CollectionAssert.AreEqual(new[] { 12, 9, 6, 4, 4, 4 }, limits, "a quarter less per busy probe, down to the floor");

        limits.Clear();
        for (var i = 0; i < 3; i++) limits.Add(await probes.AnswerAsync(time, Short, slots));
        limits.Add(await probes.AnswerAsync(time, Between, slots));
        CollectionAssert.AreEqual(new[] { 5, 6, 7, 7 }, limits, "one more per quiet probe; none in between");

        // The probe in flight was asked while the publish was under way. Once none has been seen for a while, the
        // next tick does not probe and the limit is whole again.
        publishing.Dispose();
        await probes.AnswerLastAsync(time, Long);
        await Until(() => slots.Limit == 5);
        time.Advance(DeliveryThrottle.PublishesLinger);
        await Until(() => slots.Limit == 16);
        Assert.AreEqual(0, probes.Unanswered, "no probe without publishes");

        // A publish that began and ended between two probes counts, and for a while after it: the publishers of a
        // group commit come back together, and between two groups a probe may see none.
        publishes.Begin().Dispose();
        Assert.AreEqual(12, await probes.AnswerAsync(time, Long, slots));
        Assert.AreEqual(9, await probes.AnswerAsync(time, Long, slots));
        await probes.AnswerLastAsync(time, Long);
        time.Advance(DeliveryThrottle.PublishesLinger);
        await Until(() => slots.Limit == 16);

        await stop.CancelAsync();
        await running.WaitAsync(Deadline);
        Assert.AreEqual(16, slots.Limit, "a stopped throttle leaves the whole capacity");
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.IsTrue(DateTime.UtcNow < deadline, "the condition did not come within the deadline");
            await Task.Delay(1);
        }
    }

    [TestMethod]
    public void The_machines_floor_is_two_attempts_per_core_within_the_capacity()
    {
        Assert.AreEqual(Math.Min(64, 2 * Environment.ProcessorCount), new DeliveryThrottle(new DeliverySlots(64), new PublishActivity()).Floor);
        Assert.AreEqual(1, new DeliveryThrottle(new DeliverySlots(1), new PublishActivity()).Floor);
    }

    [TestMethod]
    [DataRow(null, null, true)]
    [DataRow("LiteDb", null, true)]
    [DataRow("PostgreSql", null, false)]
    [DataRow("PostgreSql", "true", true)]
    [DataRow("LiteDb", "false", false)]
    public void Deliveries_make_way_for_publishes_by_default_with_LiteDB_only(string? provider, string? configured, bool expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["WebHooks:Storage:Provider"] = provider,
            ["WebHooks:Delivery:YieldToPublishes"] = configured,
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Where(s => s.Value is not null)).Build();
        using var services = new ServiceCollection().AddWebHooksEngine(configuration).BuildServiceProvider();
        Assert.AreEqual(expected, services.GetRequiredService<DeliveryOptions>().YieldToPublishes);
    }

    [TestMethod]
    public async Task The_thread_pool_probe_measures_a_wait_that_ends()
    {
        var delay = await DeliveryThrottle.ThreadPoolQueueDelayAsync(CancellationToken.None).WaitAsync(Deadline);
        Assert.IsTrue(delay >= TimeSpan.Zero && delay < Deadline, $"{delay}");
    }

    /// <summary>The throttle's probes, each answered by the test with the queue delay it "measured".</summary>
    private sealed class Probes
    {
        private readonly Channel<TaskCompletionSource<TimeSpan>> _asked = Channel.CreateUnbounded<TaskCompletionSource<TimeSpan>>();
        private TaskCompletionSource<TimeSpan>? _pending;

        public Task<TimeSpan> NextAsync(CancellationToken cancellationToken)
        {
            var probe = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
            _asked.Writer.TryWrite(probe);
            return probe.Task.WaitAsync(cancellationToken);
        }

        /// <summary>Lets the next probe come, answers it, and returns the limit once the throttle has taken the answer in.</summary>
        public async Task<int> AnswerAsync(FakeTimeProvider time, TimeSpan delay, DeliverySlots slots)
        {
            _pending ??= await NextProbeAsync(time);
            _pending.SetResult(delay);
            // The throttle asks for the next probe only after it set the limit from this one.
            _pending = await NextProbeAsync(time);
            return slots.Limit;
        }

        /// <summary>Lets the next probe come (unless one is waiting) and answers it; expects no other.</summary>
        public async Task AnswerLastAsync(FakeTimeProvider time, TimeSpan delay)
        {
            (_pending ?? await NextProbeAsync(time)).SetResult(delay);
            _pending = null;
        }

        public int Unanswered => _asked.Reader.Count;

        private async Task<TaskCompletionSource<TimeSpan>> NextProbeAsync(FakeTimeProvider time)
        {
            time.Advance(DeliveryThrottle.ProbeInterval);
            return await _asked.Reader.ReadAsync().AsTask().WaitAsync(Deadline);
        }
    }
}
