using System.Diagnostics;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.MultiInstance;

/// <summary>
/// Spec 9: with several instances on one database, each event reaches each matching webhook, in publish order per
/// webhook, and every function gives the same result on any instance.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
[TestCategory("PostgreSql")]
[TestCategory("Slow")]
public sealed class ManyEventsOnThreeInstancesTests
{
    private const int Publishers = 6;
    private const int EventsEach = 500;

    [TestMethod]
    public async Task Three_webhooks_get_3000_events_published_on_three_instances_complete_and_in_order()
    {
        await using var cluster = await Cluster.StartAsync(3);
        await using var receiver = await TestReceiver.StartAsync();
        string[] paths = ["/hook/0", "/hook/1", "/hook/2"];
        var ids = new List<int>();
        foreach (var path in paths) ids.Add(await Cluster.CreateWebHookAsync(cluster.Next(), receiver.Url(path)));

        // Each instance lists the webhooks made on the others.
        foreach (var instance in cluster.Instances)
            CollectionAssert.AreEqual(ids, await Cluster.ListWebHooksAsync(instance), instance.BaseUrl);

        var publishers = new Publishers(cluster, Publishers, EventsEach);
        var clock = Stopwatch.StartNew();
        await publishers.RunAsync();
        var published = clock.Elapsed;
        Assert.AreEqual(publishers.Total, publishers.Accepted.Count);

        var expected = publishers.Total * paths.Length;
        await Api.EventuallyAsync(() => Task.FromResult(receiver.Count >= expected && Receipts.Of(receiver).AreComplete(paths, publishers.Accepted)),
            TimeSpan.FromSeconds(120), $"{expected} deliveries; {receiver.Count} so far\n{cluster.Output()}");
        var delivered = clock.Elapsed;

        var receipts = Receipts.Of(receiver);
        receipts.AssertCompleteAndInOrder(paths, publishers.Accepted);

        // All three webhooks consume one stream (account, event): each got it in the one order the database assigned.
        var orders = paths.Select(p => receipts.For(p).Select(r => r.EventId).Distinct().ToList()).ToList();
        CollectionAssert.AreEqual(orders[0], orders[1], "webhooks 0 and 1 got the events in different orders");
        CollectionAssert.AreEqual(orders[0], orders[2], "webhooks 0 and 2 got the events in different orders");

        Console.WriteLine($"3 instances, {paths.Length} webhooks x {publishers.Total} events ({Publishers} publishers x {EventsEach}): " +
                          $"published in {published.TotalSeconds:0.0} s, all {expected} delivered after {delivered.TotalSeconds:0.0} s; " +
                          $"{receipts.All.Count} requests, {receipts.Duplicates} duplicates, 0 lost, order kept per publisher and webhook");
    }
}
