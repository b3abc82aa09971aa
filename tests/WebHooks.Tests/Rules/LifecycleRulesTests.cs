using WebHooks.Delivery;
using WebHooks.Lifecycle;
using WebHooks.Storage;

namespace WebHooks.Tests.Rules;

/// <summary>The buffer, link and retention rules, without a service.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class LifecycleRulesTests
{
    private static readonly DateTime Deactivated = new(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Period = TimeSpan.FromDays(5);

    private static WebHookRecord WebHook(bool active = false, long delivered = 3, long head = 10, long? closedAt = null, DateTime? created = null) => new()
    {
        Id = 1, Account = "acme", App = "shop", Event = "optin_finalized", Url = "https://example.com/", Secrets = new WebHookSecrets("whsec_AA=="),
        Created = created ?? Deactivated.AddDays(-1), Active = active, Deactivated = active ? null : Deactivated,
        Offset = DeliveryOffset.At(delivered), Head = head, BufferClosedAt = closedAt,
    };

    [TestMethod]
    public void The_buffer_keeps_events_published_before_its_period_ends_and_not_after()
    {
        Assert.IsTrue(BufferRules.Keeps(active: true, null, Deactivated.AddYears(1), Period), "an active webhook keeps everything");
        Assert.IsTrue(BufferRules.Keeps(false, Deactivated, Deactivated + Period - TimeSpan.FromTicks(1), Period));
        Assert.IsFalse(BufferRules.Keeps(false, Deactivated, Deactivated + Period, Period), "the boundary itself is after the period");
    }

    [TestMethod]
    public void Buffered_counts_up_to_the_head_while_open_and_up_to_where_it_closed_after()
    {
        Assert.AreEqual(7, WebHook().BufferedEvents, "open: 4-10");
        Assert.AreEqual(3, WebHook(closedAt: 6).BufferedEvents, "closed at 6: 4-6");
        Assert.AreEqual(0, WebHook(active: true).BufferedEvents, "an active webhook holds nothing for replay");
    }

    [TestMethod]
    public void A_link_is_open_only_for_the_deactivation_it_reported()
    {
        var notification = new Notification(9, "acme", "webhook_deactivated", 1, Deactivated, "…", "HTTP 500", Used: null);
        Assert.AreEqual(LinkState.Open, LinkRules.Classify(notification, WebHook()));
        Assert.AreEqual(LinkState.Used, LinkRules.Classify(notification with { Used = Deactivated.AddHours(1) }, WebHook()));
        Assert.AreEqual(LinkState.Deleted, LinkRules.Classify(notification, null));
        Assert.AreEqual(LinkState.Deleted, LinkRules.Classify(notification, WebHook() with { Account = "other" }));
        Assert.AreEqual(LinkState.Deleted, LinkRules.Classify(notification, WebHook(created: Deactivated.AddHours(1))), "a newer webhook is another one");
        Assert.AreEqual(LinkState.ActiveAgain, LinkRules.Classify(notification, WebHook(active: true)));
        Assert.AreEqual(LinkState.Superseded, LinkRules.Classify(notification, WebHook() with { Deactivated = Deactivated.AddDays(1) }));
    }

    [TestMethod]
    public void Retention_deletes_the_gaps_between_what_webhooks_need()
    {
        CollectionAssert.AreEqual(new[] { (0L, 3L) }, RetentionRules.Unneeded([(3, long.MaxValue)], head: 10).ToArray());
        CollectionAssert.AreEqual(new[] { (0L, 2L), (6L, 9L) }, RetentionRules.Unneeded([(4, 6), (9, long.MaxValue), (2, 5)], head: 12).ToArray());
        CollectionAssert.AreEqual(new[] { (0L, 10L) }, RetentionRules.Unneeded([], head: 10).ToArray(), "no webhook: everything goes");
        CollectionAssert.AreEqual(Array.Empty<(long, long)>(), RetentionRules.Unneeded([(0, long.MaxValue)], head: 10).ToArray());
    }

    [TestMethod]
    public void A_buffer_expires_after_the_retention_and_a_closed_one_needs_nothing_past_its_end()
    {
        var retention = TimeSpan.FromDays(30);
        Assert.IsFalse(RetentionRules.BufferExpired(WebHook(), Deactivated + retention - TimeSpan.FromTicks(1), retention));
        Assert.IsTrue(RetentionRules.BufferExpired(WebHook(), Deactivated + retention, retention));
        Assert.IsFalse(RetentionRules.BufferExpired(WebHook(delivered: 10), Deactivated + retention, retention), "nothing left to drop");

        var closed = WebHook(closedAt: 6);
        CollectionAssert.AreEqual(new[] { (3L, 6L) }, RetentionRules.Needed(closed, Deactivated + Period, Period).ToArray());
        CollectionAssert.AreEqual(new[] { (3L, long.MaxValue) }, RetentionRules.Needed(closed, Deactivated + Period - TimeSpan.FromTicks(1), Period).ToArray(),
            "within the period new events still join the buffer");
    }
}
