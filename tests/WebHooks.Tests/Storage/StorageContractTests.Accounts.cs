using WebHooks.Storage;

namespace WebHooks.Tests.Storage;

public abstract partial class StorageContractTests
{
    [TestMethod]
    public async Task Accounts_are_added_once_found_by_their_exact_name_and_listed_by_name()
    {
        Assert.IsTrue(await Store.Accounts.AddAsync(new Account("shop", "hash-1", "ops@shop.example", T0)));
        Assert.IsTrue(await Store.Accounts.AddAsync(new Account("acme", "hash-2", null, T0.AddMinutes(1))));
        Assert.IsFalse(await Store.Accounts.AddAsync(new Account("shop", "other", null, T0)), "the name is taken");

        Assert.AreEqual(new Account("shop", "hash-1", "ops@shop.example", T0), await Store.Accounts.FindAsync("shop"));
        Assert.AreEqual(new Account("acme", "hash-2", null, T0.AddMinutes(1)), await Store.Accounts.FindAsync("acme"));
        Assert.IsNull(await Store.Accounts.FindAsync("Shop"), "names arrive normalised and are compared exactly");
        Assert.IsNull(await Store.Accounts.FindAsync("nobody"));
        CollectionAssert.AreEqual(new[] { "acme", "shop" }, (await Store.Accounts.ListAsync()).Select(a => a.Name).ToArray());
    }

    [TestMethod]
    public async Task Removing_an_account_removes_its_webhooks_notifications_and_keys_and_names_the_webhooks()
    {
        await AddAccountAsync("acme");
        await AddAccountAsync("beta");
        var first = await CreateAsync("acme");
        var second = await CreateAsync("acme", OptOut);
        var other = await CreateAsync("beta");
        await DeactivateAsync(first.Id, T0.AddHours(1));
        await Store.Accounts.AddApiKeyAsync(new ApiKey("hash-a", "acme", "whk_a", T0));
        await Store.Accounts.AddApiKeyAsync(new ApiKey("hash-b", "beta", "whk_b", T0));

        var removed = await Store.Accounts.RemoveAsync("acme");

        CollectionAssert.AreEquivalent(new[] { first.Id, second.Id }, removed!.ToArray());
        Assert.IsNull(await Store.Accounts.FindAsync("acme"));
        Assert.AreEqual(0, (await Store.WebHooks.ListAsync("acme")).Count);
        Assert.IsNull(await Store.WebHooks.FindAsync("acme", first.Id));
        Assert.AreEqual(0, (await Store.Notifications.ListAsync("acme", 10)).Count);
        Assert.IsNull(await Store.Accounts.FindApiKeyAsync("hash-a"));
        Assert.IsNull(await Store.Lanes.TryClaimAsync(second.Id), "its lanes are gone");

        Assert.IsNotNull(await Store.WebHooks.FindAsync("beta", other.Id), "other accounts are untouched");
        Assert.IsNotNull(await Store.Accounts.FindApiKeyAsync("hash-b"));
        Assert.IsNull(await Store.Accounts.RemoveAsync("acme"), "no such account any more");
        Assert.IsNull(await Store.Accounts.RemoveAsync("nobody"));
    }

    [TestMethod]
    public async Task Api_keys_are_found_by_hash_until_their_account_revokes_them()
    {
        await AddAccountAsync("acme");
        await AddAccountAsync("beta");
        var key = new ApiKey("0f1e2d", "acme", "whk_0f1e", T0);
        await Store.Accounts.AddApiKeyAsync(key);

        Assert.AreEqual(key, await Store.Accounts.FindApiKeyAsync("0f1e2d"));
        Assert.IsNull(await Store.Accounts.FindApiKeyAsync("0F1E2D"), "hashes are compared exactly");
        Assert.IsFalse(await Store.Accounts.RevokeApiKeyAsync("beta", "0f1e2d", T0.AddHours(1)), "not beta's key");
        Assert.AreEqual(key, await Store.Accounts.FindApiKeyAsync("0f1e2d"));

        Assert.IsTrue(await Store.Accounts.RevokeApiKeyAsync("acme", "0f1e2d", T0.AddHours(1)));
        Assert.IsNull(await Store.Accounts.FindApiKeyAsync("0f1e2d"));
        Assert.IsFalse(await Store.Accounts.RevokeApiKeyAsync("acme", "0f1e2d", T0.AddHours(2)), "revoked already");
    }
}
