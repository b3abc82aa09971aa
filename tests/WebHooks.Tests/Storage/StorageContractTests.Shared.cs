using System.Security.Cryptography;
using WebHooks.Delivery;
using WebHooks.Storage;

namespace WebHooks.Tests.Storage;

public abstract partial class StorageContractTests
{
    [TestMethod]
    public async Task A_key_is_created_once_and_then_read()
    {
        var created = 0;
        byte[] Make() { Interlocked.Increment(ref created); return RandomNumberGenerator.GetBytes(32); }

        var keys = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Store.Shared.GetOrCreateKeyAsync("link-key", Make)));

        Assert.IsTrue(keys.All(k => k.SequenceEqual(keys[0])), "every caller gets the same key, also when they ask at once");
        var before = created;
        CollectionAssert.AreEqual(keys[0], await Store.Shared.GetOrCreateKeyAsync("link-key", Make));
        Assert.AreEqual(before, created, "an existing key is not made again");
        var other = await Store.Shared.GetOrCreateKeyAsync("other-key", Make);
        Assert.IsFalse(keys[0].SequenceEqual(other), "keys are per name");

        Store = await ReopenAsync(Store);
        CollectionAssert.AreEqual(keys[0], await Store.Shared.GetOrCreateKeyAsync("link-key", Make), "and kept");
    }

    [TestMethod]
    public async Task Login_failures_count_within_the_window_and_start_again_after_it()
    {
        var window = TimeSpan.FromMinutes(5);
        Assert.IsNull(await Store.Shared.GetLoginFailuresAsync("acme|127.0.0.1"));

        Assert.AreEqual(new LoginFailures("acme|127.0.0.1", 1, T0), await Store.Shared.AddLoginFailureAsync("acme|127.0.0.1", T0, window));
        Assert.AreEqual(2, (await Store.Shared.AddLoginFailureAsync("acme|127.0.0.1", T0.AddMinutes(4), window)).Count);
        Assert.AreEqual(1, (await Store.Shared.AddLoginFailureAsync("acme|10.0.0.1", T0.AddMinutes(4), window)).Count, "counted per key");
        Assert.AreEqual(new LoginFailures("acme|127.0.0.1", 2, T0.AddMinutes(4)), await Store.Shared.GetLoginFailuresAsync("acme|127.0.0.1"));

        Assert.AreEqual(new LoginFailures("acme|127.0.0.1", 1, T0.AddMinutes(9)),
            await Store.Shared.AddLoginFailureAsync("acme|127.0.0.1", T0.AddMinutes(9), window), "the last failure is a window old: start again");

        await Store.Shared.ClearLoginFailuresAsync("acme|127.0.0.1");
        Assert.IsNull(await Store.Shared.GetLoginFailuresAsync("acme|127.0.0.1"));
        Assert.IsNotNull(await Store.Shared.GetLoginFailuresAsync("acme|10.0.0.1"));
    }

    [TestMethod]
    public async Task A_login_reads_the_failures_of_its_key_and_the_account_together()
    {
        Assert.AreEqual((null, null), await Store.FindLoginAsync("acme\n127.0.0.1", "acme"), "neither yet");

        var account = new Account("acme", "hash-1", null, T0);
        await Store.Accounts.AddAsync(account);
        await Store.Shared.AddLoginFailureAsync("acme\n127.0.0.1", T0, TimeSpan.FromMinutes(5));
        await Store.Shared.AddLoginFailureAsync("acme\n10.0.0.1", T0, TimeSpan.FromMinutes(5));
        await Store.Shared.AddLoginFailureAsync("acme\n10.0.0.1", T0, TimeSpan.FromMinutes(5));

        Assert.AreEqual((new LoginFailures("acme\n127.0.0.1", 1, T0), account), await Store.FindLoginAsync("acme\n127.0.0.1", "acme"));
        Assert.AreEqual(2, (await Store.FindLoginAsync("acme\n10.0.0.1", "acme")).Failures?.Count, "the failures of that key");
        Assert.AreEqual((null, null), await Store.FindLoginAsync("shop\n127.0.0.1", "shop"), "another name has neither");
    }

    [TestMethod]
    public async Task Logins_made_at_once_each_get_their_own_account_and_failures()
    {
        var acme = new Account("acme", "hash-1", "ops@acme.example", T0);
        var shop = new Account("shop", "hash-2", null, T0.AddDays(1));
        await Store.Accounts.AddAsync(acme);
        await Store.Accounts.AddAsync(shop);
        for (var i = 0; i < 3; i++) await Store.Shared.AddLoginFailureAsync("acme\n10.0.0.1", T0, TimeSpan.FromMinutes(5));
        await Store.Shared.AddLoginFailureAsync("ghost\n127.0.0.1", T0, TimeSpan.FromMinutes(5));

        // Enough logins at once that a storage which batches them (PostgreSQL) answers several with one statement.
        (string Key, string Name, (LoginFailures?, Account?) Expected)[] kinds =
        [
            ("acme\n127.0.0.1", "acme", (null, acme)),
            ("acme\n10.0.0.1", "acme", (new LoginFailures("acme\n10.0.0.1", 3, T0), acme)),
            ("shop\n10.0.0.1", "shop", (null, shop)),
            ("ghost\n127.0.0.1", "ghost", (new LoginFailures("ghost\n127.0.0.1", 1, T0), null)),
            ("nobody\n127.0.0.1", "nobody", (null, null)),
        ];
        var logins = Enumerable.Range(0, 60).Select(i => kinds[i % kinds.Length]).ToList();
        var answers = await Task.WhenAll(logins.Select(l => Store.FindLoginAsync(l.Key, l.Name)));

        for (var i = 0; i < logins.Count; i++) Assert.AreEqual(logins[i].Expected, answers[i], $"login {i} as {logins[i].Name}");
    }

    [TestMethod]
    public async Task Concurrent_login_failures_all_count()
    {
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Store.Shared.AddLoginFailureAsync("acme|::1", T0, TimeSpan.FromMinutes(5))));

        Assert.AreEqual(10, (await Store.Shared.GetLoginFailuresAsync("acme|::1"))!.Count);
    }

    [TestMethod]
    public async Task Data_protection_keys_are_stored_and_replaced_by_name()
    {
        Assert.AreEqual(0, (await Store.Shared.GetDataProtectionKeysAsync()).Count);

        await Store.Shared.StoreDataProtectionKeyAsync("key-a", "<key id=\"a\" version=\"1\"/>");
        await Store.Shared.StoreDataProtectionKeyAsync("key-b", "<key id=\"b\"/>");
        await Store.Shared.StoreDataProtectionKeyAsync("key-a", "<key id=\"a\" version=\"2\"/>");

        CollectionAssert.AreEquivalent(new[] { "<key id=\"a\" version=\"2\"/>", "<key id=\"b\"/>" }, (await Store.Shared.GetDataProtectionKeysAsync()).ToArray());
    }

    [TestMethod]
    public async Task Leadership_is_exclusive_until_disposed()
    {
        var lead = await Store.Maintenance.TryLeadAsync("retention");
        Assert.IsNotNull(lead);
        Assert.IsNull(await Store.Maintenance.TryLeadAsync("retention"), "one leader at a time");

        var other = await Store.Maintenance.TryLeadAsync("metrics");
        Assert.IsNotNull(other, "jobs are led separately");

        await lead.DisposeAsync();
        var next = await Store.Maintenance.TryLeadAsync("retention");
        Assert.IsNotNull(next, "given up by disposing");
        await next.DisposeAsync();
        await other.DisposeAsync();
    }

    [TestMethod]
    public async Task The_oldest_undelivered_event_is_that_of_an_active_webhook()
    {
        await AddAccountAsync();
        var a = await CreateAsync();
        var b = await CreateAsync(eventName: OptOut);
        Assert.IsNull(await Store.Maintenance.OldestUndeliveredAsync());

        await PublishAsync(T0.AddMinutes(1));
        await PublishAsync(T0.AddMinutes(2));
        await PublishAsync(T0.AddMinutes(3), eventName: OptOut);
        Assert.AreEqual(T0.AddMinutes(1), await Store.Maintenance.OldestUndeliveredAsync());

        var lane = await ClaimAsync(a.Id);
        await Store.Lanes.ReleaseAsync(lane, lane.WebHook.Progress with { Offset = new DeliveryOffset(1) });
        Assert.AreEqual(T0.AddMinutes(2), await Store.Maintenance.OldestUndeliveredAsync());

        await DeactivateAsync(a.Id, T1);
        Assert.AreEqual(T0.AddMinutes(3), await Store.Maintenance.OldestUndeliveredAsync(), "a buffer waits for nobody");
        await DeliverAllAsync(b.Id);
        Assert.IsNull(await Store.Maintenance.OldestUndeliveredAsync());
    }
}
