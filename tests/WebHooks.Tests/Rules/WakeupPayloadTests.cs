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
        Assert.AreEqual(("host/42/ab12cd34", true, "1,7"), Read(Wakeups.Payload("host/42/ab12cd34", appended: true, [1, 7])));
        Assert.AreEqual(("host/42/ab12cd34", false, "3"), Read(Wakeups.Payload("host/42/ab12cd34", appended: false, [3])));
    }

    [TestMethod]
    public void Too_many_ids_become_a_change_of_everything()
    {
        var ids = Enumerable.Range(1_000_000, 2_000).ToArray();
        Assert.AreEqual(("me", false, ""), Read(Wakeups.Payload("me", appended: true, ids)));
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
        var (sender, appended, ids) = Wakeups.Parse(payload);
        return (sender, appended, string.Join(',', ids));
    }
}
