using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using WebHooks.Accounts;
using WebHooks.Delivery;
using WebHooks.Storage;
using WebHooks.Storage.LiteDb;

namespace WebHooks.Tests.Accounts;

[TestClass]
[TestCategory("Unit")]
public sealed class AccountTests
{
    private string _directory = null!;
    private LiteDbStorage _storage = null!;
    private FakeTimeProvider _time = null!;
    private readonly Caller _caller = new();
    private AccountService _accounts = null!;

    [TestInitialize]
    public void Open()
    {
        _directory = Path.Combine(Path.GetTempPath(), "webhooks-accounts-" + Guid.NewGuid().ToString("N"));
        _storage = LiteDbStorage.Open(new LiteDbStorageOptions { Path = Path.Combine(_directory, "w.db") }, NullLogger.Instance);
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
        _accounts = new AccountService(_storage, new LoginThrottle(_storage, _time), new FailedLoginLimiter(), _caller, new NoSignals(),
            _time, NullLogger<AccountService>.Instance);
    }

    [TestCleanup]
    public async Task Close()
    {
        await _storage.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [TestMethod]
    public void Hashes_are_salted_pbkdf2_and_verify()
    {
        var first = PasswordHasher.Hash("correct horse");
        var second = PasswordHasher.Hash("correct horse");

        StringAssert.StartsWith(first, "pbkdf2-sha256$");
        Assert.AreNotEqual(first, second, "each hash has its own salt");
        Assert.IsTrue(PasswordHasher.Verify("correct horse", first));
        Assert.IsFalse(PasswordHasher.Verify("correct horse!", first));
        Assert.IsFalse(PasswordHasher.Verify("correct horse", "garbage"));
        Assert.IsTrue(int.Parse(first.Split('$')[1]) >= 100_000, "a slow hash");
    }

    [TestMethod]
    public async Task The_password_is_stored_only_as_a_hash()
    {
        await _accounts.AddAsync("shop", "s3cret-password");
        var stored = (await _storage.Accounts.FindAsync("shop"))!;
        Assert.IsFalse(stored.PasswordHash.Contains("s3cret-password"));
        Assert.AreEqual("shop", await _accounts.AuthenticateAsync("shop", "s3cret-password"));
        Assert.IsNull(await _accounts.AuthenticateAsync("shop", "S3cret-password"));
        Assert.IsNull(await _accounts.AuthenticateAsync("other", "s3cret-password"));
    }

    [TestMethod]
    public async Task Names_are_one_account_in_every_spelling()
    {
        Assert.IsTrue(await _accounts.AddAsync("Carol", "pw"));
        Assert.IsFalse(await _accounts.AddAsync("CAROL", "other"), "the same account");
        Assert.AreEqual("carol", await _accounts.AuthenticateAsync("cArOl", "pw"), "logins give the one spelling");
        Assert.AreEqual("carol", (await _accounts.FindAsync("CAROL"))!.Name);
        CollectionAssert.AreEqual(new[] { "carol" }, (await _accounts.ListAsync()).Select(a => a.Name).ToArray());
        Assert.IsTrue(await _accounts.RemoveAsync("CaRoL"));
        Assert.IsNull(await _accounts.FindAsync("carol"));
    }

    [TestMethod]
    public async Task Repeated_failures_throttle_the_account_from_that_address_until_the_window_passes()
    {
        await _accounts.AddAsync("shop", "right");
        for (var i = 0; i < LoginThrottle.MaxFailures; i++) Assert.IsNull(await _accounts.AuthenticateAsync("shop", "wrong"));

        Assert.IsNull(await _accounts.AuthenticateAsync("shop", "right"), "throttled: even the right password fails");
        _time.Advance(LoginThrottle.Window + TimeSpan.FromSeconds(1));
        Assert.AreEqual("shop", await _accounts.AuthenticateAsync("shop", "right"));
    }

    [TestMethod]
    public async Task Varying_the_case_of_the_name_gives_no_more_guesses()
    {
        await _accounts.AddAsync("alice", "right");
        string[] spellings = ["ALICE", "Alice", "aLice", "alIce", "aliCe", "alicE", "ALice", "AlIce", "AliCe", "AlicE"];
        foreach (var spelling in spellings) Assert.IsNull(await _accounts.AuthenticateAsync(spelling, "wrong"));

        foreach (var spelling in new[] { "alice", "aLICE", "ALICE" })
            Assert.IsNull(await _accounts.AuthenticateAsync(spelling, "right"), $"{spelling}: the account is throttled whatever the spelling");
    }

    [TestMethod]
    public async Task Failures_from_one_address_do_not_lock_the_owner_out_elsewhere()
    {
        await _accounts.AddAsync("alice", "right");
        _caller.Current = "192.0.2.66";
        for (var i = 0; i < LoginThrottle.MaxFailures + 5; i++) Assert.IsNull(await _accounts.AuthenticateAsync("alice", "wrong"));
        Assert.IsNull(await _accounts.AuthenticateAsync("alice", "right"), "locked for the guessing address");

        _caller.Current = "198.51.100.7";
        Assert.AreEqual("alice", await _accounts.AuthenticateAsync("alice", "right"), "the owner, elsewhere, is not locked out");
    }

    [TestMethod]
    public async Task A_login_from_the_cache_forgives_earlier_typos()
    {
        await _accounts.AddAsync("bob", "right");
        Assert.AreEqual("bob", await _accounts.AuthenticateAsync("bob", "right")); // verified once: cached from now on
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < LoginThrottle.MaxFailures - 1; i++) Assert.IsNull(await _accounts.AuthenticateAsync("bob", "typo"));
            Assert.AreEqual("bob", await _accounts.AuthenticateAsync("bob", "right"), $"round {round}: a success resets the count, from the cache too");
        }
    }

    [TestMethod]
    public async Task A_recent_success_does_not_spare_the_throttle()
    {
        await _accounts.AddAsync("erin", "right");
        Assert.AreEqual("erin", await _accounts.AuthenticateAsync("erin", "right"));
        for (var i = 0; i < LoginThrottle.MaxFailures; i++) Assert.IsNull(await _accounts.AuthenticateAsync("erin", "wrong"));

        Assert.IsNull(await _accounts.AuthenticateAsync("erin", "right"), "throttled at once, though the last success was a moment ago");
    }

    [TestMethod]
    public async Task A_flood_of_failed_logins_from_one_address_is_refused_before_hashing()
    {
        await _accounts.AddAsync("carol", "right");
        _caller.Current = "192.0.2.99";
        for (var i = 0; i <= FailedLoginLimiter.FailuresPerMinute; i++) Assert.IsNull(await _accounts.AuthenticateAsync($"random{i}", "guess"));

        Assert.IsNull(await _accounts.AuthenticateAsync("carol", "right"), "a first login from the flooding address is refused without checking the password");
        _caller.Current = "198.51.100.8";
        Assert.AreEqual("carol", await _accounts.AuthenticateAsync("carol", "right"), "other addresses are not affected");
    }

    [TestMethod]
    public async Task Adding_twice_and_removing()
    {
        Assert.IsTrue(await _accounts.AddAsync("shop", "pw"));
        Assert.IsFalse(await _accounts.AddAsync("shop", "other"));
        CollectionAssert.AreEqual(new[] { "shop" }, (await _accounts.ListAsync()).Select(a => a.Name).ToArray());
        Assert.AreEqual("shop", await _accounts.AuthenticateAsync("shop", "pw"));
        Assert.IsTrue(await _accounts.RemoveAsync("shop"));
        Assert.IsNull(await _accounts.AuthenticateAsync("shop", "pw"), "removed: refused at once, even just after a successful login");
        Assert.IsFalse(await _accounts.RemoveAsync("shop"));
    }

    [TestMethod]
    [DataRow("", false)]
    [DataRow("shop-1.de_x@y", true)]
    [DataRow("with space", false)]
    [DataRow("ümlaut", false)]
    public void Account_names(string name, bool valid) =>
        Assert.AreEqual(valid, AccountName.Validate(name) is null);

    private sealed class Caller : ICallerAddress
    {
        public string Current { get; set; } = "203.0.113.1";
    }

    private sealed class NoSignals : IDeliverySignals
    {
        public void Changed(int webHookId) { }
        public void EventsAppended(IEnumerable<int> webHookIds) { }
    }
}
