using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using WebHooks.Storage;

namespace WebHooks.Accounts;

/// <summary>What checking an API key came to.</summary>
public enum ApiKeyCheck
{
    Valid,
    Invalid,

    /// <summary>The client tried too many unknown keys lately (<see cref="FailedApiKeyLimiter"/>): not looked up.</summary>
    Throttled,
}

/// <summary>
/// API keys of accounts (spec 10): <c>whk_</c> + 32 random bytes in base64url, shown once when made; only their
/// SHA-256 is stored. A key is looked up by its hash, so the time a check takes depends on the hash, never on how much
/// of a key was right. Keys are not subject to the password throttle (nothing slow is computed for them); unknown keys
/// count against the client in <see cref="FailedApiKeyLimiter"/>.
/// </summary>
public sealed class ApiKeys(
    IWebHooksStorage storage,
    FailedApiKeyLimiter failures,
    ICallerAddress caller,
    TimeProvider time,
    ILogger<ApiKeys> logger)
{
    public const string Prefix = "whk_";
    private const int KeyBytes = 32;

    /// <summary>The length of every key: the prefix and 43 base64url characters.</summary>
    public static readonly int Length = Prefix.Length + (KeyBytes * 4 + 2) / 3;

    /// <summary>How many characters of a key are kept to tell keys apart (the prefix and 4 random ones).</summary>
    public const int ShownCharacters = 8;

    /// <summary>Makes a key for an existing account; returns it (the only time it is seen), or null when there is no such account.</summary>
    public async Task<string?> CreateAsync(string account)
    {
        var name = AccountName.Normalize(account);
        if (await storage.Accounts.FindAsync(name) is null) return null;
        var key = Prefix + Base64Url(RandomNumberGenerator.GetBytes(KeyBytes));
        await storage.Accounts.AddApiKeyAsync(new ApiKey(Hash(key), name, key[..ShownCharacters], time.StoredNow()));
        logger.LogInformation("API key {Prefix}… made for {Account}", key[..ShownCharacters], name);
        return key;
    }

    /// <summary>Revokes one of the account's keys; false when the account has no such (unrevoked) key.</summary>
    public async Task<bool> RevokeAsync(string account, string key)
    {
        var name = AccountName.Normalize(account);
        if (!IsWellFormed(key) || !await storage.Accounts.RevokeApiKeyAsync(name, Hash(key), time.StoredNow())) return false;
        logger.LogInformation("API key {Prefix}… of {Account} revoked", key[..ShownCharacters], name);
        return true;
    }

    /// <summary>The (normalised) account of a valid, unrevoked key.</summary>
    public async Task<(ApiKeyCheck Check, string? Account)> AuthenticateAsync(string? key)
    {
        var client = caller.Current;
        if (failures.IsBlocked(client))
        {
            logger.LogInformation("API key refused from {Client}: too many unknown keys from that address", client);
            return (ApiKeyCheck.Throttled, null);
        }

        if (IsWellFormed(key))
        {
            var hash = Hash(key!);
            // The store finds the hash exactly; comparing again in constant time keeps that true whatever the store's
            // collation, without telling anything by timing.
            if (await storage.Accounts.FindApiKeyAsync(hash) is { } found
                && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(found.Hash), Encoding.ASCII.GetBytes(hash)))
                return (ApiKeyCheck.Valid, found.Account);
        }

        failures.Failed(client);
        logger.LogInformation("Unknown API key from {Client}", client);
        return (ApiKeyCheck.Invalid, null);
    }

    /// <summary>SHA-256 of the key, lower-case hex: what is stored.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The shape of a key: anything else is refused without a look-up.</summary>
    public static bool IsWellFormed(string? key) =>
        key is not null && key.Length == Length && key.StartsWith(Prefix, StringComparison.Ordinal)
        && key.AsSpan(Prefix.Length).ContainsAnyExcept(Base64UrlAlphabet) is false;

    private static readonly System.Buffers.SearchValues<char> Base64UrlAlphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
