using WebHooks.Storage;

namespace WebHooks.Tests.Storage;

public abstract partial class StorageContractTests
{
    [TestMethod]
    public async Task A_new_webhook_starts_at_the_head_of_its_stream()
    {
        await AddAccountAsync();
        var early = await CreateAsync();
        for (var i = 1; i <= 3; i++) await PublishAsync(T0.AddMinutes(i));

        var late = await CreateAsync(created: T0.AddMinutes(5));

        Assert.AreEqual(3, late.Head);
        Assert.AreEqual(3, late.Offset.Delivered);
        Assert.IsNull(late.Offset.ReplayUntil);
        Assert.IsFalse(late.Offset.HasWork(late.Head));
        Assert.AreEqual(0, early.Offset.Delivered);
        Assert.AreEqual(3, (await FindAsync(early.Id)).Head);

        var appended = await PublishAsync(T0.AddMinutes(6));
        CollectionAssert.AreEqual(new[] { early.Id, late.Id }, appended.Queued.ToArray());
        CollectionAssert.AreEqual(new long[] { 4 }, Sequences(await DeliverAllAsync(late.Id)));
    }

    [TestMethod]
    public async Task A_new_webhook_has_the_fields_it_was_made_with()
    {
        await AddAccountAsync();
        var made = new NewWebHook("acme", "crm", OptOut, "https://example.com/out?x=1", "whsec_abc", T0.AddSeconds(7), WebHookOrigin.RestHook);

        var webHook = await Store.WebHooks.CreateAsync(made, 100);

        Assert.IsNotNull(webHook);
        Assert.AreEqual(("acme", "crm", OptOut, "https://example.com/out?x=1", T0.AddSeconds(7), WebHookOrigin.RestHook),
            (webHook.Account, webHook.App, webHook.Event, webHook.Url, webHook.Created, webHook.Origin));
        Assert.AreEqual(new WebHookSecrets("whsec_abc"), webHook.Secrets);
        Assert.IsTrue(webHook.Active);
        Assert.IsNull(webHook.Deactivated);
        Assert.AreEqual("", webHook.LastError);
        Assert.AreEqual((0, (DateTime?)null, 0L, (long?)null, 0L), (webHook.Failures, webHook.NextAttemptAt, webHook.DroppedEvents, webHook.BufferClosedAt, webHook.BufferedEvents));
        Assert.AreEqual(webHook, await Store.WebHooks.FindAsync("acme", webHook.Id), "found as it was returned");
    }

    [TestMethod]
    public async Task Ids_increase_and_are_never_reused_after_deletes_or_a_reopen()
    {
        await AddAccountAsync();
        var a = await CreateAsync();
        var b = await CreateAsync();
        Assert.IsTrue(b.Id > a.Id);
        Assert.IsTrue(await Store.WebHooks.DeleteAsync("acme", b.Id));

        var c = await CreateAsync();
        Assert.IsTrue(c.Id > b.Id, "the deleted id is not handed out again");

        Store = await ReopenAsync(Store);
        Assert.IsNotNull(await Store.WebHooks.FindAsync("acme", c.Id), "the data is still there");
        var d = await CreateAsync();
        Assert.IsTrue(d.Id > c.Id, "nor after a restart");
    }

    [TestMethod]
    public async Task An_account_holds_at_most_the_limit()
    {
        await AddAccountAsync("acme");
        await AddAccountAsync("beta");
        var first = await CreateAsync(limit: 2);
        await CreateAsync(eventName: OptOut, limit: 2);

        Assert.IsNull(await Store.WebHooks.CreateAsync(new NewWebHook("acme", "shop", OptIn, "https://example.com/", "whsec_x", T0), 2));
        await CreateAsync("beta", limit: 2); // other accounts count their own

        Assert.IsTrue(await Store.WebHooks.DeleteAsync("acme", first.Id));
        await CreateAsync(limit: 2);
        Assert.AreEqual(2, (await Store.WebHooks.ListAsync("acme")).Count);
    }

    [TestMethod]
    public async Task Concurrent_creations_do_not_pass_the_limit()
    {
        await AddAccountAsync();
        var made = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Store.WebHooks.CreateAsync(new NewWebHook("acme", "shop", OptIn, "https://example.com/", "whsec_" + i, T0), 3)));

        Assert.AreEqual(3, made.Count(w => w is not null));
        Assert.AreEqual(3, (await Store.WebHooks.ListAsync("acme")).Count);
    }

    [TestMethod]
    public async Task Webhooks_are_listed_oldest_first_and_exist_only_for_their_account()
    {
        await AddAccountAsync("acme");
        await AddAccountAsync("beta");
        var a = await CreateAsync("acme", OptOut);
        var other = await CreateAsync("beta");
        var b = await CreateAsync("acme", OptIn);

        CollectionAssert.AreEqual(new[] { a.Id, b.Id }, (await Store.WebHooks.ListAsync("acme")).Select(w => w.Id).ToArray());
        Assert.IsNull(await Store.WebHooks.FindAsync("acme", other.Id));
        Assert.IsFalse(await Store.WebHooks.DeleteAsync("acme", other.Id));
        Assert.IsNull(await Store.WebHooks.RotateSecretAsync("acme", other.Id, "whsec_new", T0.AddDays(1)));
        Assert.AreEqual(ReactivationOutcome.NotFound, (await Store.WebHooks.ReactivateAsync(new Reactivate("acme", other.Id, true, T0))).Outcome);
        Assert.IsNotNull(await Store.WebHooks.FindAsync("beta", other.Id), "still there for its owner");
    }

    [TestMethod]
    public async Task A_deleted_webhook_is_gone_with_its_lane()
    {
        await AddAccountAsync();
        var webHook = await CreateAsync();
        var lease = await ClaimAsync(webHook.Id);

        Assert.IsTrue(await Store.WebHooks.DeleteAsync("acme", webHook.Id));

        Assert.IsNull(await Store.WebHooks.FindAsync("acme", webHook.Id));
        Assert.IsFalse(await Store.WebHooks.DeleteAsync("acme", webHook.Id));
        Assert.IsNull(await Store.Lanes.SaveAsync(lease, webHook.Progress), "the lane is lost");
        Assert.AreEqual(0, (await PublishAsync(T0.AddMinutes(1))).WebHooks);
    }

    [TestMethod]
    public async Task A_rotated_secret_keeps_the_previous_one_valid_until_its_time()
    {
        await AddAccountAsync();
        var webHook = await CreateAsync();
        var until = T0.AddDays(1);

        var rotated = await Store.WebHooks.RotateSecretAsync("acme", webHook.Id, "whsec_new", until);

        Assert.AreEqual(new WebHookSecrets("whsec_new", webHook.Secrets.Current, until), rotated!.Secrets);
        Assert.AreEqual(rotated.Secrets, (await FindAsync(webHook.Id)).Secrets);
        CollectionAssert.AreEqual(new[] { "whsec_new", webHook.Secrets.Current }, rotated.Secrets.ValidAt(T0).ToArray());
        CollectionAssert.AreEqual(new[] { "whsec_new" }, rotated.Secrets.ValidAt(until).ToArray());
        Assert.IsNull(await Store.WebHooks.RotateSecretAsync("acme", 999_999, "whsec_x", until));
    }

    [TestMethod]
    public async Task Counts_tell_active_from_deactivated()
    {
        await AddAccountAsync("acme");
        await AddAccountAsync("beta");
        var a = await CreateAsync("acme");
        await CreateAsync("acme", OptOut);
        await CreateAsync("beta");
        await DeactivateAsync(a.Id, T0.AddHours(1));

        Assert.AreEqual(new WebHookCounts(2, 1), await Store.WebHooks.CountAsync());
    }
}
