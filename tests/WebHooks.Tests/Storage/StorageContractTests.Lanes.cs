using WebHooks.Delivery;
using WebHooks.Storage;

namespace WebHooks.Tests.Storage;

public abstract partial class StorageContractTests
{
    [TestMethod]
    public async Task A_lane_has_one_owner_until_it_is_released()
    {
        await AddAccountAsync();
        var webHook = await CreateAsync();
        await PublishAsync(T0.AddMinutes(1));

        var lease = await ClaimAsync(webHook.Id);
        Assert.AreEqual(webHook.Id, lease.WebHookId);
        Assert.AreEqual(1, lease.WebHook.Head, "the claim returns the webhook with its stream's head");
        Assert.IsNull(await Store.Lanes.TryClaimAsync(webHook.Id), "claimed already");

        var progress = lease.WebHook.Progress with { Offset = new DeliveryOffset(1) };
        await Store.Lanes.ReleaseAsync(lease, progress);
        Assert.AreEqual(new DeliveryOffset(1), (await FindAsync(webHook.Id)).Offset, "released with its progress");

        var next = await ClaimAsync(webHook.Id);
        Assert.AreNotEqual(lease.Token, next.Token, "a new claim, a new fencing token");
        Assert.IsNull(await Store.Lanes.SaveAsync(lease, progress), "the old token writes nothing");
        Assert.IsNull(await Store.Lanes.TryClaimAsync(999_999), "no such webhook");
    }

    [TestMethod]
    public async Task A_release_tells_the_head_it_leaves_behind_and_a_lost_lane_tells_nothing()
    {
        await AddAccountAsync();
        var webHook = await CreateAsync();
        await PublishAsync(T0.AddMinutes(1));
        var lease = await ClaimAsync(webHook.Id);
        await PublishAsync(T0.AddMinutes(2)); // after the claim: the lane has not read it

        Assert.AreEqual(2L, await Store.Lanes.ReleaseAsync(lease, lease.WebHook.Progress with { Offset = new DeliveryOffset(1) }));
        Assert.IsNull(await Store.Lanes.ReleaseAsync(lease, null), "released already: the lane is not held");

        var next = await ClaimAsync(webHook.Id);
        Assert.AreEqual(2L, await Store.Lanes.ReleaseAsync(next, null));
    }

    [TestMethod]
    public async Task Concurrent_claims_have_one_winner()
    {
        await AddAccountAsync();
        var webHook = await CreateAsync();

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Store.Lanes.TryClaimAsync(webHook.Id)));

        Assert.AreEqual(1, claims.Count(c => c is not null));
    }

    [TestMethod]
    public async Task A_deactivated_webhook_has_no_lane()
    {
        await AddAccountAsync();
        var webHook = await CreateAsync();
        await DeactivateAsync(webHook.Id, T1);

        Assert.IsNull(await Store.Lanes.TryClaimAsync(webHook.Id));
    }

    [TestMethod]
    public async Task Saving_renews_the_lane_and_returns_the_webhook_as_stored_now()
    {
        await AddAccountAsync();
        var webHook = await CreateAsync();
        await PublishAsync(T0.AddMinutes(1));
        var lease = await ClaimAsync(webHook.Id);
        await Store.WebHooks.RotateSecretAsync("acme", webHook.Id, "whsec_rotated", T0.AddDays(1));
        await PublishAsync(T0.AddMinutes(2));

        var progress = new DeliveryProgress(new DeliveryOffset(1), 2, T0.AddMinutes(5), "HTTP 503");
        var saved = await Store.Lanes.SaveAsync(lease, progress);

        Assert.IsNotNull(saved);
        Assert.AreEqual(progress, saved.Progress);
        Assert.AreEqual("whsec_rotated", saved.Secrets.Current, "a rotation meanwhile is seen");
        Assert.AreEqual(2, saved.Head, "so is the new head");
        Assert.AreEqual(saved, await FindAsync(webHook.Id));
        Assert.IsNull(await Store.Lanes.TryClaimAsync(webHook.Id), "still ours");
    }

    [TestMethod]
    public async Task An_expired_lease_can_be_claimed_and_the_old_owner_writes_nothing()
    {
        Store = await OpenAsync(leaseDuration: TimeSpan.FromMilliseconds(500));
        await AddAccountAsync();
        var webHook = await CreateAsync();
        await PublishAsync(T0.AddMinutes(1));
        var stale = await ClaimAsync(webHook.Id);

        var taken = await EventuallyAsync(() => Store.Lanes.TryClaimAsync(webHook.Id), "the lease expires");

        var staleProgress = stale.WebHook.Progress with { Offset = new DeliveryOffset(1), LastError = "stale" };
        Assert.IsNull(await Store.Lanes.SaveAsync(stale, staleProgress));
        await Store.Lanes.ReleaseAsync(stale, staleProgress);
        Assert.IsNull(await Store.Lanes.DeactivateAsync(stale, staleProgress, new NewNotification("webhook_deactivated", T1, "m", "e")));
        Assert.IsFalse(await Store.Lanes.RemoveGoneAsync(stale));
        var stored = await FindAsync(webHook.Id);
        Assert.AreEqual((new DeliveryOffset(0), "", true), (stored.Offset, stored.LastError, stored.Active), "none of the stale writes landed");
        Assert.AreEqual(0, (await Store.Notifications.ListAsync("acme", 10)).Count);

        Assert.IsNotNull(await Store.Lanes.SaveAsync(taken, taken.WebHook.Progress with { Offset = new DeliveryOffset(1) }), "the new owner's writes do");
    }

    [TestMethod]
    public async Task Due_lanes_are_active_with_work_whose_retry_is_due_and_unclaimed()
    {
        await AddAccountAsync();
        var due = await CreateAsync();
        var later = await CreateAsync();
        var claimed = await CreateAsync();
        var deactivated = await CreateAsync();
        await PublishAsync(T0.AddMinutes(1));
        var idle = await CreateAsync(); // starts at the head: nothing to deliver
        await DeactivateAsync(deactivated.Id, T1);
        var retry = await ClaimAsync(later.Id);
        await Store.Lanes.ReleaseAsync(retry, retry.WebHook.Progress with { Failures = 1, NextAttemptAt = T1.AddMinutes(5), LastError = "HTTP 500" });
        await ClaimAsync(claimed.Id);

        CollectionAssert.AreEquivalent(new[] { due.Id }, (await Store.Lanes.FindDueAsync(T1, 100)).ToArray());
        CollectionAssert.AreEquivalent(new[] { due.Id, later.Id }, (await Store.Lanes.FindDueAsync(T1.AddMinutes(5), 100)).ToArray());
        Assert.AreEqual(1, (await Store.Lanes.FindDueAsync(T1.AddMinutes(5), 1)).Count, "at most max");

        await DeliverAllAsync(due.Id);
        CollectionAssert.AreEquivalent(new[] { later.Id }, (await Store.Lanes.FindDueAsync(T1.AddMinutes(5), 100)).ToArray());
        await PublishAsync(T1.AddMinutes(6));
        CollectionAssert.AreEquivalent(new[] { due.Id, later.Id, idle.Id }, (await Store.Lanes.FindDueAsync(T1.AddMinutes(6), 100)).ToArray());
    }

    [TestMethod]
    public async Task A_lane_replaying_a_buffer_is_due_until_the_buffer_is_delivered()
    {
        var (a, _) = await BufferScenarioAsync();
        await Store.WebHooks.ReactivateAsync(new Reactivate("acme", a.Id, Replay: true, T1.AddDays(7)));

        CollectionAssert.Contains((await Store.Lanes.FindDueAsync(T1.AddDays(7), 100)).ToArray(), a.Id);
        await DeliverAllAsync(a.Id);
        CollectionAssert.DoesNotContain((await Store.Lanes.FindDueAsync(T1.AddDays(7), 100)).ToArray(), a.Id, "the skipped gap is no work");
    }

    [TestMethod]
    public async Task Deactivation_stores_the_notification_and_ends_the_lane()
    {
        await AddAccountAsync();
        var webHook = await CreateAsync();
        await PublishAsync(T0.AddMinutes(1));
        await PublishAsync(T0.AddMinutes(2));
        var lease = await ClaimAsync(webHook.Id);
        var progress = new DeliveryProgress(new DeliveryOffset(1), 5, T1.AddMinutes(30), "connection refused");

        var notification = await Store.Lanes.DeactivateAsync(lease, progress,
            new NewNotification("webhook_deactivated", T1, "Webhook was deactivated", "connection refused (notification)"));

        Assert.IsNotNull(notification);
        Assert.AreEqual(("acme", "webhook_deactivated", webHook.Id, T1, "Webhook was deactivated", "connection refused (notification)", (DateTime?)null),
            (notification.Account, notification.Type, notification.WebHookId, notification.Created, notification.Message, notification.LastError, notification.Used));
        var stored = await FindAsync(webHook.Id);
        Assert.AreEqual((false, (DateTime?)T1, 5, "connection refused", (DateTime?)null, new DeliveryOffset(1), 1L),
            (stored.Active, stored.Deactivated, stored.Failures, stored.LastError, stored.NextAttemptAt, stored.Offset, stored.BufferedEvents));
        Assert.AreEqual(notification, await Store.Notifications.FindAsync(notification.Id));

        Assert.IsNull(await Store.Lanes.SaveAsync(lease, progress), "the lane is over");
        Assert.IsNull(await Store.Lanes.DeactivateAsync(lease, progress, new NewNotification("webhook_deactivated", T1, "again", "e")));
        Assert.IsNull(await Store.Lanes.TryClaimAsync(webHook.Id));
        Assert.AreEqual(1, (await Store.Notifications.ListAsync("acme", 10)).Count, "one notification per deactivation");
    }

    [TestMethod]
    public async Task Notifications_are_listed_newest_first_per_account()
    {
        await AddAccountAsync("acme");
        await AddAccountAsync("beta");
        var a = await CreateAsync("acme");
        var b = await CreateAsync("acme");
        var other = await CreateAsync("beta");
        var first = await DeactivateAsync(a.Id, T1);
        var second = await DeactivateAsync(b.Id, T1); // same moment: the later one is still listed first
        await DeactivateAsync(other.Id, T1);

        CollectionAssert.AreEqual(new[] { second.Id, first.Id }, (await Store.Notifications.ListAsync("acme", 10)).Select(n => n.Id).ToArray());
        CollectionAssert.AreEqual(new[] { second.Id }, (await Store.Notifications.ListAsync("acme", 1)).Select(n => n.Id).ToArray());
        Assert.IsTrue(second.Id > first.Id);
        Assert.IsNull(await Store.Notifications.FindAsync(999_999));
    }

    [TestMethod]
    public async Task A_gone_rest_hook_is_removed_by_its_lane_only()
    {
        await AddAccountAsync();
        var webHook = await CreateAsync(origin: WebHookOrigin.RestHook);
        var lease = await ClaimAsync(webHook.Id);

        Assert.IsFalse(await Store.Lanes.RemoveGoneAsync(lease with { Token = Guid.NewGuid() }), "another token removes nothing");
        Assert.IsTrue(await Store.Lanes.RemoveGoneAsync(lease));

        Assert.IsNull(await Store.WebHooks.FindAsync("acme", webHook.Id));
        Assert.IsFalse(await Store.Lanes.RemoveGoneAsync(lease));
    }
}
