using WebHooks.Storage;
using WebHooks.Storage.PostgreSql.Signals;

namespace WebHooks.Tests.Rules;

/// <summary>What a PostgreSQL wake-up (NOTIFY payload) says, between instances of this version and of the earlier one.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class WakeupPayloadTests
{
    [TestMethod]
    public void A_payload_names_its_sender_and_whether_only_events_were_appended()
    {
        Assert.AreEqual(("host/42/ab12cd34", true, "1,7"), Read(Wakeups.Payload("host/42/ab12cd34", WakeupKind.Appended, [1, 7])));
        Assert.AreEqual(("host/42/ab12cd34", false, "3"), Read(Wakeups.Payload("host/42/ab12cd34", WakeupKind.Changed, [3])));
    }

    [TestMethod]
    public void A_deletion_is_a_change_that_says_so()
    {
        var heard = Wakeups.Parse(Wakeups.Payload("me", WakeupKind.Deleted, [3, 4]));
        Assert.AreEqual(("me", false, "3,4", true), (heard.Sender, heard.Appended, string.Join(',', heard.Ids), heard.Deleted));
        Assert.IsFalse(Wakeups.Parse(Wakeups.Payload("me", WakeupKind.Changed, [3])).Deleted);
    }

    [TestMethod]
    public void Too_many_ids_become_a_change_of_everything()
    {
        var ids = Enumerable.Range(1_000_000, 2_000).ToArray();
        Assert.AreEqual(("me", false, ""), Read(Wakeups.Payload("me", WakeupKind.Appended, ids)));
    }

    [TestMethod]
    public void Appended_events_travel_whole_with_their_wake_up()
    {
        var published = new DateTime(2026, 11, 30, 9, 27, 29, DateTimeKind.Utc).AddTicks(1234567);
        (int, StoredEvent)[] events =
        [
            (7, new StoredEvent(41, "evt_a", "optin_finalized", published, """{"id":371,"fields":[{"value":"max muster@example.com"}]}""")),
            (7, new StoredEvent(42, "evt_b", "optin_finalized", published.AddTicks(1), "{\"name\":\"Jürgen \\\"Ä\\\" 東京 \\u0000\",\"a\":\"<&>\"}")),
            (9, new StoredEvent(1, "evt_c", "optout_finalized", published, "{}")),
        ];

        var heard = Wakeups.Parse(Wakeups.Payload("host/42/ab12cd34", WakeupKind.Appended, [1, 7], events));

        Assert.AreEqual(("host/42/ab12cd34", true, "1,7"), (heard.Sender, heard.Appended, string.Join(',', heard.Ids)));
        var carried = heard.Events();
        Assert.IsNotNull(carried);
        CollectionAssert.AreEqual(events, carried.ToArray(), "stream, sequence, id, type, time (to the tick) and data, byte for byte");
        Assert.AreEqual(DateTimeKind.Utc, carried[0].Event.Published.Kind);
    }

    [TestMethod]
    public void Events_that_do_not_fit_stay_behind_and_the_wake_up_names_the_webhooks_only()
    {
        var large = new StoredEvent(1, "evt_a", "optin_finalized", DateTime.UnixEpoch, $"{{\"text\":\"{new string('ö', 4_000)}\"}}");

        var heard = Wakeups.Parse(Wakeups.Payload("me", WakeupKind.Appended, [3], [(7, large)]));

        Assert.AreEqual(("me", true, "3"), (heard.Sender, heard.Appended, string.Join(',', heard.Ids)), "8,000 bytes in UTF-8, though 4,000 characters");
        Assert.IsNull(heard.Events(), "the listener does not know what was appended");
        var fromPublisherWithoutLanes = Wakeups.Parse(Wakeups.Payload("me", WakeupKind.Changed, [3], [(7, large with { Data = "{}" })]));
        Assert.AreEqual(1, fromPublisherWithoutLanes.Events()?.Count, "a change that appended (the command line's publish) carries its events too");
        Assert.IsNull(Wakeups.Parse("me appended 3 [[7,1,\"evt_a\"]]").Events(), "unreadable events: not known either");
    }

    [TestMethod]
    public void A_payload_of_the_earlier_version_is_a_change_from_another_instance()
    {
        Assert.AreEqual(((string?)null, false, "4,5"), Read("4,5"));
        Assert.AreEqual(((string?)null, false, ""), Read(""), "empty: look at everything");
        Assert.AreEqual(("me", false, ""), Read("me appended x,1"), "unreadable ids: look at everything");
    }

    private static (string? Sender, bool Appended, string Ids) Read(string payload)
    {
        var heard = Wakeups.Parse(payload);
        return (heard.Sender, heard.Appended, string.Join(',', heard.Ids));
    }
}
