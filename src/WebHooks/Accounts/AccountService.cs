using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using WebHooks.Storage;

namespace WebHooks.Accounts;

/// <summary>Accounts: creation and removal (the admin command line) and the login check of every call.</summary>
public sealed class AccountService(Store store, LoginThrottle throttle, TimeProvider time, ILogger<AccountService> logger)
{
    public const int MaxNameLength = 64;

    // A slow hash per call would make every call slow: a successful check is remembered for ten
    // minutes, keyed by an HMAC of name and password under a key that lives only in this process.
    // It is only trusted while the stored hash is the one it was checked against.
    private static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(10);
    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, (string Hash, DateTimeOffset Until)> _verified = new();

    public static string? ValidateName(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "the name is empty";
        if (name.Length > MaxNameLength) return $"the name is longer than {MaxNameLength} characters";
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '@'))
            return "the name may hold only letters, digits and _ - . @";
        return null;
    }

    /// <summary>The account's name when the credentials are right and the name is not throttled; else null.</summary>
    public string? Authenticate(string? name, string? password)
    {
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(password) || name.Length > MaxNameLength) return null;
        if (throttle.IsThrottled(name)) return null;

        var account = store.Accounts.FindById(name);
        var cacheKey = CacheKey(name, password);
        if (account is not null && _verified.TryGetValue(cacheKey, out var hit)
            && hit.Hash == account.PasswordHash && hit.Until > time.GetUtcNow())
            return account.Name;

        // Unknown names cost a hash too, so that timing does not tell which names exist.
        var ok = PasswordHasher.Verify(password, account?.PasswordHash ?? DummyHash.Value) && account is not null;
        if (!ok)
        {
            throttle.Failed(name);
            logger.LogInformation("Login failed for {Account}", name);
            return null;
        }

        throttle.Succeeded(name);
        if (_verified.Count > 10_000) _verified.Clear();
        _verified[cacheKey] = (account!.PasswordHash, time.GetUtcNow() + RememberFor);
        return account.Name;
    }

    public async Task<bool> AddAsync(string name, string password, string? email = null)
    {
        var hash = PasswordHasher.Hash(password);
        var created = time.StoredNow();
        return await store.WriteAsync(() =>
            store.Accounts.FindById(name) is null
            && store.Accounts.Insert(new AccountDocument { Name = name, PasswordHash = hash, Email = email, Created = created }) is not null);
    }

    public IReadOnlyList<AccountDocument> List() => [.. store.Accounts.FindAll().OrderBy(a => a.Name, StringComparer.Ordinal)];

    public AccountDocument? Find(string name) => store.Accounts.FindById(name);

    /// <summary>Removes the account and its webhooks; their events go with the next retention pass.</summary>
    public Task<bool> RemoveAsync(string name) => store.WriteAsync(() =>
    {
        store.WebHooks.DeleteMany(w => w.Account == name);
        store.Notifications.DeleteMany(n => n.Account == name);
        return store.Accounts.Delete(name);
    });

    private string CacheKey(string name, string password) =>
        Convert.ToBase64String(HMACSHA256.HashData(_cacheKey, Encoding.UTF8.GetBytes(name + "\0" + password)));

    private static readonly Lazy<string> DummyHash = new(() => PasswordHasher.Hash(Guid.NewGuid().ToString()));
}
