using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using WebHooks.Accounts;
using WebHooks.Storage;

namespace WebHooks.Tests.Accounts;

[TestClass]
public sealed class AccountTests
{
    private string _directory = null!;
    private Store _store = null!;
    private FakeTimeProvider _time = null!;
    private AccountService _accounts = null!;

    [TestInitialize]
    public void Open()
    {
        _directory = Path.Combine(Path.GetTempPath(), "webhooks-accounts-" + Guid.NewGuid().ToString("N"));
        _store = new Store(Path.Combine(_directory, "w.db"), NullLogger<Store>.Instance);
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
        _accounts = new AccountService(_store, new LoginThrottle(_time), _time, NullLogger<AccountService>.Instance);
    }

    [TestCleanup]
    public void Close()
    {
        _store.Dispose();
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
        var stored = _store.Accounts.FindById("shop")!;
        Assert.IsFalse(stored.PasswordHash.Contains("s3cret-password"));
        Assert.AreEqual("shop", _accounts.Authenticate("shop", "s3cret-password"));
        Assert.IsNull(_accounts.Authenticate("shop", "S3cret-password"));
        Assert.IsNull(_accounts.Authenticate("other", "s3cret-password"));
    }

    [TestMethod]
    public async Task Repeated_failures_throttle_the_name_until_the_window_passes()
    {
        await _accounts.AddAsync("shop", "right");
        for (var i = 0; i < LoginThrottle.MaxFailures; i++) Assert.IsNull(_accounts.Authenticate("shop", "wrong"));

        Assert.IsNull(_accounts.Authenticate("shop", "right"), "throttled: even the right password fails");
        _time.Advance(LoginThrottle.Window + TimeSpan.FromSeconds(1));
        Assert.AreEqual("shop", _accounts.Authenticate("shop", "right"));
    }

    [TestMethod]
    public async Task Adding_twice_and_removing()
    {
        Assert.IsTrue(await _accounts.AddAsync("shop", "pw"));
        Assert.IsFalse(await _accounts.AddAsync("shop", "other"));
        CollectionAssert.AreEqual(new[] { "shop" }, _accounts.List().Select(a => a.Name).ToArray());
        Assert.IsTrue(await _accounts.RemoveAsync("shop"));
        Assert.IsNull(_accounts.Authenticate("shop", "pw"));
        Assert.IsFalse(await _accounts.RemoveAsync("shop"));
    }

    [TestMethod]
    [DataRow("", false)]
    [DataRow("shop-1.de_x@y", true)]
    [DataRow("with space", false)]
    [DataRow("ümlaut", false)]
    public void Account_names(string name, bool valid) =>
        Assert.AreEqual(valid, AccountService.ValidateName(name) is null);
}
