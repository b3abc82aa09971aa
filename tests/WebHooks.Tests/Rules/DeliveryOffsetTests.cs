using WebHooks.Delivery;

namespace WebHooks.Tests.Rules;

/// <summary>The offset of a webhook in its stream and its rules, without a service (issue 9: one home for them).</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class DeliveryOffsetTests
{
    [TestMethod]
    public void A_new_webhook_starts_at_the_head_and_has_no_work_until_something_is_published()
    {
        var offset = DeliveryOffset.At(7);
        Assert.AreEqual(7, offset.Delivered);
        Assert.IsFalse(offset.HasWork(7));
        Assert.IsTrue(offset.HasWork(8));
        Assert.AreEqual(8, offset.ReadLimit(8));
    }

    [TestMethod]
    public void Advancing_moves_past_the_delivered_event_and_never_back()
    {
        var offset = DeliveryOffset.At(0).Advance(1).Advance(2);
        Assert.AreEqual(2, offset.Delivered);
        Assert.AreEqual(2, offset.Advance(1).Delivered, "an older sequence does not move it back");
    }

    [TestMethod]
    public void Buffered_is_arithmetic_from_the_offset_to_the_last_kept_event()
    {
        Assert.AreEqual(0, DeliveryOffset.At(10).Buffered(10));
        Assert.AreEqual(1_000_000, DeliveryOffset.At(10).Buffered(1_000_010));
        Assert.AreEqual(0, DeliveryOffset.At(10).Buffered(5), "never negative");
    }

    [TestMethod]
    public void Reactivating_with_replay_reads_the_buffer_then_skips_to_the_head_of_the_reactivation()
    {
        // Delivered up to 3; events 4-6 buffered; 7-9 came after the buffer period; the head is 9.
        var (offset, replayed, discarded) = DeliveryOffset.At(3).Reactivate(replay: true, lastBuffered: 6, head: 9);
        Assert.AreEqual((3L, 0L), (replayed, discarded));
        Assert.AreEqual(6, offset.ReadLimit(9), "the replay reads up to the last buffered event");

        var after = offset.Advance(4).Advance(5);
        Assert.IsTrue(after.HasWork(9));
        var done = after.Advance(6);
        Assert.AreEqual(9, done.Delivered, "7-9 are skipped once the buffer is delivered");
        Assert.IsNull(done.ReplayUntil);
        Assert.IsFalse(done.HasWork(9));
        Assert.IsTrue(done.HasWork(10), "events after the reactivation are delivered");
    }

    [TestMethod]
    public void Reactivating_without_replay_discards_the_buffer()
    {
        var (offset, replayed, discarded) = DeliveryOffset.At(3).Reactivate(replay: false, lastBuffered: 6, head: 9);
        Assert.AreEqual((0L, 3L), (replayed, discarded));
        Assert.AreEqual(DeliveryOffset.At(9), offset);
    }

    [TestMethod]
    public void Reactivating_with_an_empty_buffer_changes_nothing_to_replay()
    {
        var (offset, replayed, discarded) = DeliveryOffset.At(5).Reactivate(replay: true, lastBuffered: 5, head: 8);
        Assert.AreEqual((0L, 0L), (replayed, discarded));
        Assert.AreEqual(DeliveryOffset.At(8), offset, "nothing buffered: delivery goes on from the head");
    }

    [TestMethod]
    public void Deactivated_again_in_the_middle_of_a_replay_the_gap_is_not_counted()
    {
        // Replaying (3, 6], then resuming after 9; delivered 4 when it failed again; now the head is 12 and all is kept.
        var replaying = new DeliveryOffset(4, ReplayUntil: 6, ResumeAfter: 9);
        Assert.AreEqual(2 + 3, replaying.Buffered(12), "5-6 of the old buffer and 10-12; 7-9 stay skipped");

        var (offset, replayed, _) = replaying.Reactivate(replay: true, lastBuffered: 12, head: 12);
        Assert.AreEqual(5, replayed);
        Assert.AreEqual(replaying, offset, "the old replay goes on, then the rest");
    }

    [TestMethod]
    public void Discarding_jumps_to_the_head_and_counts_the_buffer()
    {
        var (offset, discarded) = DeliveryOffset.At(2).Discard(lastBuffered: 5, head: 8);
        Assert.AreEqual((DeliveryOffset.At(8), 3L), (offset, discarded));
    }

    [TestMethod]
    public void Needed_ranges_are_the_queue_or_the_replay_and_what_follows_its_gap()
    {
        CollectionAssert.AreEqual(new[] { (3L, long.MaxValue) }, DeliveryOffset.At(3).Needed(long.MaxValue).ToArray());
        CollectionAssert.AreEqual(new[] { (3L, 6L) }, DeliveryOffset.At(3).Needed(6).ToArray(), "a closed buffer");
        CollectionAssert.AreEqual(new[] { (4L, 6L), (9L, long.MaxValue) },
            new DeliveryOffset(4, ReplayUntil: 6, ResumeAfter: 9).Needed(long.MaxValue).ToArray(), "the gap 7-9 is not needed");
    }
}
