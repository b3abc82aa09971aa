using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using WebHooks.Delivery;
using WebHooks.Storage;

namespace WebHooks.Accounts;

/// <summary>Accounts: creation and removal (the admin command line) and the login check of every call.</summary>
public sealed class AccountService(
    IWebHooksStorage storage,
    LoginThrottle throttle,
    FailedLoginLimiter failedLogins,
    ICallerAddress caller,
    IDeliverySignals signals,
    TimeProvider time,
    ILogger<AccountService> logger)
{
    // A slow hash per call would make every call slow: a successful check is remembered for ten minutes, keyed by
    // an HMAC of name and password under a key that lives only in this process. It is only trusted while the stored
    // hash is the one it was checked against.
    private static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(10);
    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, (string Hash, DateTimeOffset Until)> _verified = new();

    /// <summary>The account's (normalised) name when the credentials are right and the login is not throttled; else null.</summary>
    public async Task<string?> AuthenticateAsync(string? name, string? password)
    {
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(password) || name.Length > AccountName.MaxLength) return null;
        var account = AccountName.Normalize(name);
        var client = caller.Current;

        var (failures, stored) = await throttle.FailuresAndAccountAsync(account, client);
        if (throttle.IsThrottled(failures))
        {
            logger.LogInformation("Login refused for {Account} from {Client}: too many failed logins", account, client);
            return null;
        }

        var cacheKey = CacheKey(account, password);
        if (stored is not null && _verified.TryGetValue(cacheKey, out var hit) && hit.Hash == stored.PasswordHash && hit.Until > time.GetUtcNow())
        {
            await throttle.SucceededAsync(account, client, failures);
            return account;
        }

        if (failedLogins.IsBlocked(client))
        {
            logger.LogInformation("Login refused for {Account} from {Client}: too many failed logins from that address", account, client);
            return null;
        }

        // Unknown names cost a hash too, so that timing does not tell which names exist.
        var ok = PasswordHasher.Verify(password, stored?.PasswordHash ?? DummyHash.Value) && stored is not null;
        if (!ok)
        {
            failedLogins.Failed(client);
            await throttle.FailedAsync(account, client);
            logger.LogInformation("Login failed for {Account} from {Client}", account, client);
            return null;
        }

        await throttle.SucceededAsync(account, client, failures);
        if (_verified.Count > 10_000) _verified.Clear();
        _verified[cacheKey] = (stored!.PasswordHash, time.GetUtcNow() + RememberFor);
        return account;
    }

    /// <summary>Adds an account; false when one of that name (in any spelling) exists.</summary>
    public Task<bool> AddAsync(string name, string password, string? email = null)
    {
        if (AccountName.Validate(name) is { } bad) throw new ArgumentException(bad, nameof(name));
        if (email is not null && EmailAddress.Validate(email) is { } badEmail) throw new ArgumentException(badEmail, nameof(email));
        var hash = PasswordHasher.Hash(password);
        return storage.Accounts.AddAsync(new Account(AccountName.Normalize(name), hash, email, time.StoredNow()));
    }

    public Task<IReadOnlyList<Account>> ListAsync() => storage.Accounts.ListAsync();

    public Task<Account?> FindAsync(string name) => storage.Accounts.FindAsync(AccountName.Normalize(name));

    /// <summary>Removes the account with its webhooks; their lanes stop at once, as a deletion stops one.</summary>
    public async Task<bool> RemoveAsync(string name)
    {
        var removed = await storage.Accounts.RemoveAsync(AccountName.Normalize(name));
        if (removed is null) return false;
        foreach (var id in removed) signals.Changed(id);
        logger.LogInformation("Account {Account} removed with {Count} webhooks", AccountName.Normalize(name), removed.Count);
        return true;
    }

    private string CacheKey(string name, string password) =>
        Convert.ToBase64String(HMACSHA256.HashData(_cacheKey, Encoding.UTF8.GetBytes(name + "\0" + password)));

    private static readonly Lazy<string> DummyHash = new(() => PasswordHasher.Hash(Guid.NewGuid().ToString()));
}
