using System.Globalization;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.MultiInstance;

/// <summary>
/// Spec 9: an instance that dies (<c>kill -9</c>) loses nothing it acknowledged, and the webhooks it was delivering
/// continue on the remaining instances within twice the delivery timeout plus 10 seconds.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
[TestCategory("PostgreSql")]
[TestCategory("Slow")]
public sealed class FailoverTests
{
    // A short timeout keeps the test short: the lease defaults to twice the timeout (Hosting/StorageSetup.cs), so a
    // dead instance's lanes are free 4 s after their last renewal, and the 1 s poll of the others finds them.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Promised = 2 * Timeout + TimeSpan.FromSeconds(10);
    private const int WebHooks = 6;
    private const int Publishers = 4;
    private const int EventsEach = 250;

    [TestMethod]
    public async Task A_killed_instance_loses_no_accepted_event_and_its_webhooks_continue_on_the_others()
    {
        await using var cluster = await Cluster.StartAsync(3, $"WebHooks:Delivery:Timeout={Timeout:c}");
        await using var receiver = await TestReceiver.StartAsync();
        // A receiver that takes its time, so that the lanes are busy (and leased) when the kill comes.
        receiver.DefaultResponse = new ReceiverResponse { Delay = TimeSpan.FromMilliseconds(10) };
        var paths = Enumerable.Range(0, WebHooks).Select(i => $"/hook/{i}").ToList();
        var idOfPath = new Dictionary<string, int>();
        foreach (var path in paths) idOfPath[path] = await Cluster.CreateWebHookAsync(cluster.Next(), receiver.Url(path));

        // A steady stream of events (at most 4 x 200 a second), so that the kill comes while it flows.
        var publishers = new Publishers(cluster, Publishers, EventsEach, pause: TimeSpan.FromMilliseconds(5));
        var publishing = publishers.RunAsync();
        await Api.EventuallyAsync(() => Task.FromResult(publishing.IsCompleted || publishers.Accepted.Count >= publishers.Total / 4 && receiver.Count >= 100),
            TimeSpan.FromSeconds(60), "publishing and deliveries under way");
        Assert.IsFalse(publishing.IsCompleted, "the kill must come while events are still being published");

        // For a moment the receiver answers slowly, so that the busy lanes are in the middle of an attempt, and so hold
        // their leases, when the kill comes, however fast this machine publishes and delivers.
        var normal = receiver.DefaultResponse;
        receiver.DefaultResponse = new ReceiverResponse { Delay = TimeSpan.FromMilliseconds(500) };
        var slowFrom = receiver.Count;
        await Api.EventuallyAsync(() => Task.FromResult(receiver.Count > slowFrom), TimeSpan.FromSeconds(10), "a slow attempt under way");

        // The instance that holds the most lanes now dies.
        var held = new List<(ServiceProcess Instance, int[] Leases)>();
        foreach (var instance in cluster.Instances) held.Add((instance, await cluster.LeasesHeldByAsync(instance)));
        var victim = held.OrderByDescending(h => h.Leases.Length).First().Instance;
        var victimName = $"instance {cluster.Instances.ToList().IndexOf(victim)} (pid {victim.ProcessId})";
        cluster.Kill(victim);
        var killedAt = DateTime.UtcNow;
        receiver.DefaultResponse = normal;
        var (acceptedAtKill, deliveredAtKill) = (publishers.Accepted.Count, receiver.Count);
        // What it held when it died stays leased to it until the leases expire: those are the webhooks it was delivering.
        var orphaned = await cluster.LeasesHeldByAsync(victim);
        Assert.IsTrue(orphaned.Length > 0, $"{victimName} held no lane when it was killed; leases before: " +
                                           string.Join("; ", held.Select(h => $"pid {h.Instance.ProcessId}: {string.Join(",", h.Leases)}")));

        await publishing;
        await Api.EventuallyAsync(
            () => Task.FromResult(receiver.Count >= publishers.Total * WebHooks && Receipts.Of(receiver).AreComplete(paths, publishers.Accepted)),
            TimeSpan.FromSeconds(120), $"every accepted event delivered to every webhook; {receiver.Count} requests so far\n{cluster.Output()}");

        var receipts = Receipts.Of(receiver);
        receipts.AssertCompleteAndInOrder(paths, publishers.Accepted);

        // Failover: for each webhook the dead instance was delivering, the gap between its last receipt before the
        // kill and its first receipt after it.
        var gaps = new List<string>();
        var worst = TimeSpan.Zero;
        foreach (var id in orphaned)
        {
            var path = idOfPath.Single(p => p.Value == id).Key;
            var times = receipts.For(path).Select(r => r.Received).ToList();
            var before = times.Where(t => t <= killedAt).DefaultIfEmpty(killedAt).Max();
            var after = times.Where(t => t > killedAt).DefaultIfEmpty(DateTime.MaxValue).Min();
            Assert.AreNotEqual(DateTime.MaxValue, after, $"webhook {id} got nothing after the kill");
            var gap = after - before;
            worst = gap > worst ? gap : worst;
            gaps.Add($"webhook {id}: {gap.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s (first receipt {(after - killedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s after the kill)");
        }
        Assert.IsTrue(worst <= Promised, $"delivery resumed after {worst.TotalSeconds:0.0} s, promised within {Promised.TotalSeconds:0} s: {string.Join("; ", gaps)}");

        Console.WriteLine($"3 instances, {WebHooks} webhooks x {publishers.Total} events ({Publishers} publishers x {EventsEach}); killed {victimName} " +
                          $"with {acceptedAtKill} events accepted and {deliveredAtKill} requests received; {publishers.Repeated} publishes repeated on another instance");
        Console.WriteLine($"lanes leased just before the kill: {string.Join("; ", held.Select(h => $"pid {h.Instance.ProcessId}: [{string.Join(",", h.Leases)}]"))}; " +
                          $"left leased by the dead instance: [{string.Join(",", orphaned)}]");
        Console.WriteLine($"failover (last receipt before the kill -> first after), delivery timeout {Timeout.TotalSeconds:0} s, lease {2 * Timeout.TotalSeconds:0} s, " +
                          $"promised <= {Promised.TotalSeconds:0} s: {string.Join("; ", gaps)}");
        Console.WriteLine($"{receipts.All.Count} requests for {publishers.Total * WebHooks} deliveries: {receipts.Duplicates} duplicates (same webhook-id, same body), 0 lost, order kept per publisher and webhook");
    }
}
