using WebHooks.Storage;
using WebHooks.Storage.PostgreSql;

namespace WebHooks.Tests.Storage;

/// <summary>
/// PostgreSQL's memory of the streams answers a lane only when nothing another instance wrote can be missing from it: it
/// holds this instance's appends and the ones other instances' wake-ups carry, in order, and stops at a wake-up that
/// names webhooks without their events, at a claim, and while the listener does not listen.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class LocalTailsTests
{
    private const int Stream = 7, WebHook = 70, Sibling = 71, Other = 80, OtherStream = 8;

    private static (int, StoredEvent) Event(int stream, long sequence) =>
        (stream, new StoredEvent(sequence, $"evt_{sequence}", "optin_finalized", DateTime.UnixEpoch, "{}"));

    private static LocalTails Listening()
    {
        var tails = new LocalTails();
        tails.Learn(WebHook, Stream);
        tails.Learn(Sibling, Stream);
        tails.Learn(Other, OtherStream);
        tails.Listening();
        return tails;
    }

    private static long[]? Read(LocalTails tails, int webHook, long after) =>
        tails.TryRead(webHook, after, long.MaxValue, 64, out var events) ? [.. events.Select(e => e.Sequence)] : null;

    [TestMethod]
    public void Appends_of_this_instance_are_read_from_memory_by_every_webhook_of_the_stream()
    {
        var tails = Listening();
        tails.Add([Event(Stream, 1), Event(Stream, 2), Event(OtherStream, 1)], tails.Epoch);

        CollectionAssert.AreEqual(new long[] { 1, 2 }, Read(tails, WebHook, 0));
        CollectionAssert.AreEqual(new long[] { 2 }, Read(tails, Sibling, 1));
        CollectionAssert.AreEqual(new long[] { 1 }, Read(tails, Other, 0));
        Assert.IsNull(Read(tails, 99, 0), "a webhook whose stream it never learnt reads the storage");
    }

    [TestMethod]
    public void Another_instances_wake_up_sends_the_streams_it_names_to_the_storage()
    {
        var tails = Listening();
        tails.Add([Event(Stream, 1), Event(OtherStream, 1)], tails.Epoch);

        tails.Forget([Sibling]);
        Assert.IsNull(Read(tails, WebHook, 1), "the stream of the webhook named: another instance may have appended after 1");
        CollectionAssert.AreEqual(Array.Empty<long>(), Read(tails, Other, 1), "another stream: still held");

        tails.Add([Event(Stream, 3)], tails.Epoch);
        CollectionAssert.AreEqual(new long[] { 3 }, Read(tails, WebHook, 2), "new appends are held again");
        Assert.IsNull(Read(tails, WebHook, 1), "event 2 (the other instance's) is not");

        tails.Forget([]);
        Assert.IsNull(Read(tails, Other, 1), "a wake-up that names nobody sends every stream to the storage");
    }

    [TestMethod]
    public void Events_another_instances_wake_up_carries_join_the_memory_of_their_streams()
    {
        var tails = Listening();
        tails.Add([Event(Stream, 1)], tails.Epoch);

        tails.Heard([Event(Stream, 2), Event(Stream, 3), Event(OtherStream, 1)], [WebHook, Other]);
        CollectionAssert.AreEqual(new long[] { 1, 2, 3 }, Read(tails, Sibling, 0), "ours and theirs, in order");
        CollectionAssert.AreEqual(new long[] { 1 }, Read(tails, Other, 0));

        tails.Add([Event(Stream, 4)], tails.Epoch);
        CollectionAssert.AreEqual(new long[] { 3, 4 }, Read(tails, WebHook, 2), "our next append follows theirs");

        tails.Heard([Event(Stream, 7)], [WebHook]);
        Assert.IsNull(Read(tails, WebHook, 4), "5 and 6 were not heard (their wake-up named no webhook): the storage answers");
        CollectionAssert.AreEqual(new long[] { 7 }, Read(tails, WebHook, 6), "memory starts again at the gap");
    }

    [TestMethod]
    public void A_group_commit_that_ends_after_a_later_append_was_heard_leaves_memory_as_it_is()
    {
        var tails = Listening();
        tails.Add([Event(Stream, 1)], tails.Epoch);

        var epoch = tails.Epoch; // our group commit appends 2; another instance appends 3 after it, and is heard first
        tails.Heard([Event(Stream, 3)], [WebHook]);
        tails.Add([Event(Stream, 2)], epoch);

        CollectionAssert.AreEqual(Array.Empty<long>(), Read(tails, WebHook, 3), "3 stays the stream's last event");
        CollectionAssert.AreEqual(new long[] { 3 }, Read(tails, WebHook, 2));
        Assert.IsNull(Read(tails, WebHook, 1), "2 came after 3 was held: the storage answers for it");
    }

    [TestMethod]
    public void Memory_over_its_budget_drops_everything_and_a_group_commit_in_flight_adds_nothing()
    {
        var tails = Listening();
        tails.Add([Event(Stream, 1)], tails.Epoch);

        var epoch = tails.Epoch; // our group commit appends 2 to Stream
        tails.Heard([Event(Stream, 3)], [WebHook]);
        var huge = new StoredEvent(1, "evt_huge", "optin_finalized", DateTime.UnixEpoch, new string('x', (int)(StreamTails.MaxBytes / 2) + 1));
        tails.Heard([(OtherStream, huge)], [Other]);
        tails.Heard([Event(OtherStream, 2)], [Other]); // over the budget: everything is dropped, 3 with it
        tails.Add([Event(Stream, 2)], epoch);

        Assert.IsNull(Read(tails, WebHook, 2), "2 is not the stream's last event (3 is): the storage answers");
        CollectionAssert.AreEqual(new long[] { 2 }, Read(tails, Other, 1), "what was heard after the drop is held");
    }

    [TestMethod]
    public void A_group_commit_that_was_committing_during_a_wake_up_does_not_fill_memory()
    {
        var tails = Listening();
        tails.Add([Event(Stream, 1)], tails.Epoch);

        var epoch = tails.Epoch; // the group commit begins
        tails.Forget([Other]); // meanwhile another instance's wake-up (it may have appended after the commit's events)
        tails.Add([Event(Stream, 2)], epoch);

        Assert.IsNull(Read(tails, WebHook, 1), "2 may not be the last event: the storage answers");
        tails.Add([Event(Stream, 3)], tails.Epoch);
        CollectionAssert.AreEqual(new long[] { 3 }, Read(tails, WebHook, 2), "memory starts again with the commits that began since");
        Assert.IsNull(Read(tails, WebHook, 1));
    }

    [TestMethod]
    public void A_lanes_first_read_after_a_claim_goes_to_the_storage()
    {
        var tails = Listening();
        tails.Add([Event(Stream, 1), Event(Stream, 2)], tails.Epoch);

        tails.Claimed(WebHook);
        Assert.IsNull(Read(tails, WebHook, 0), "another instance may have appended while no lane ran, naming nobody");
        CollectionAssert.AreEqual(new long[] { 1, 2 }, Read(tails, WebHook, 0), "the reads after it may use memory");
        CollectionAssert.AreEqual(new long[] { 2 }, Read(tails, Sibling, 1), "another webhook's lane was not claimed");
    }

    [TestMethod]
    public void A_deleted_webhook_is_forgotten_and_its_stream_is_not()
    {
        var tails = Listening();
        tails.Add([Event(Stream, 1)], tails.Epoch);

        tails.Unlearn([WebHook]);
        Assert.IsNull(Read(tails, WebHook, 0), "nothing is known of it");
        CollectionAssert.AreEqual(new long[] { 1 }, Read(tails, Sibling, 0), "the stream's other webhooks still read memory");
    }

    [TestMethod]
    public void Memory_answers_only_while_the_listener_listens()
    {
        var tails = new LocalTails();
        tails.Learn(WebHook, Stream);
        tails.Add([Event(Stream, 1)], tails.Epoch);
        Assert.IsNull(Read(tails, WebHook, 0), "not listening yet");

        tails.Listening();
        Assert.IsNull(Read(tails, WebHook, 0), "what was appended before it listened is not held");
        tails.Add([Event(Stream, 2)], tails.Epoch);
        CollectionAssert.AreEqual(new long[] { 2 }, Read(tails, WebHook, 1));

        tails.Deaf();
        Assert.IsNull(Read(tails, WebHook, 1), "the connection was lost: notifications may be lost too");
        tails.Add([Event(Stream, 3)], tails.Epoch);
        Assert.IsNull(Read(tails, WebHook, 2), "not until it listens again");
    }
}
