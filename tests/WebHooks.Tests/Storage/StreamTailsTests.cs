using WebHooks.Storage;

namespace WebHooks.Tests.Storage;

/// <summary>The adapters' memory of recent events answers only for ranges it holds whole; otherwise the storage is read.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class StreamTailsTests
{
    private static StoredEvent Event(long sequence) => new(sequence, $"evt_{sequence}", "optin_finalized", DateTime.UnixEpoch, "{}");

    [TestMethod]
    public void A_range_is_answered_only_when_every_event_of_it_is_held()
    {
        var recent = new StreamTails();
        for (var s = 1; s <= StreamTails.PerStream + 10; s++) recent.Add(7, Event(s));

        Assert.IsTrue(recent.TryRead(7, 20, long.MaxValue, 5, out var held));
        CollectionAssert.AreEqual(new long[] { 21, 22, 23, 24, 25 }, held.Select(e => e.Sequence).ToArray());
        Assert.IsTrue(recent.TryRead(7, StreamTails.PerStream + 10, long.MaxValue, 64, out var none), "caught up: nothing newer is durable");
        Assert.AreEqual(0, none.Count);
        Assert.IsFalse(recent.TryRead(7, 5, long.MaxValue, 64, out _), "event 6 was pushed out: the file has it");
        Assert.IsFalse(recent.TryRead(8, 0, long.MaxValue, 64, out _), "another stream");
        Assert.IsTrue(recent.TryRead(7, 20, 22, 64, out var bounded));
        CollectionAssert.AreEqual(new long[] { 21, 22 }, bounded.Select(e => e.Sequence).ToArray());
    }

    [TestMethod]
    public void A_gap_or_a_deletion_makes_the_stream_read_from_the_file_again()
    {
        var recent = new StreamTails();
        recent.Add(1, Event(1));
        recent.Add(1, Event(2));
        recent.Add(1, Event(5)); // 3 and 4 were not seen here
        Assert.IsFalse(recent.TryRead(1, 1, long.MaxValue, 64, out _));
        Assert.IsTrue(recent.TryRead(1, 4, long.MaxValue, 64, out var after4));
        Assert.AreEqual(5, after4.Single().Sequence);

        recent.Forget(1);
        Assert.IsFalse(recent.TryRead(1, 4, long.MaxValue, 64, out _));
    }
}
