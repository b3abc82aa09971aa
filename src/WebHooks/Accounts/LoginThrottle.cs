using WebHooks.Storage;

namespace WebHooks.Accounts;

/// <summary>
/// Refuses logins to an account from a client address that failed too often lately (spec 2): after
/// <see cref="MaxFailures"/> failures within <see cref="Window"/>, every login to that account from that address fails
/// until the window has passed since the last one. Counted per account whatever the spelling (names arrive normalised)
/// and per client address, so that someone who knows only a name can neither guess faster by varying its case nor lock
/// the owner out. The counts live in the storage, so that every instance sees the same.
/// </summary>
public sealed class LoginThrottle(IWebHooksStorage storage, TimeProvider time)
{
    public const int MaxFailures = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public static string Key(string account, string client) => account + "\n" + client;

    /// <summary>The failures counted now (null when there are none) and the account (null when there is none), read together.</summary>
    public Task<(LoginFailures? Failures, Account? Account)> FailuresAndAccountAsync(string account, string client) =>
        storage.FindLoginAsync(Key(account, client), account);

    public bool IsThrottled(LoginFailures? failures) =>
        failures is { Count: >= MaxFailures } && time.GetUtcNow().UtcDateTime - failures.Last < Window;

    public Task FailedAsync(string account, string client) =>
        storage.Shared.AddLoginFailureAsync(Key(account, client), time.GetUtcNow().UtcDateTime, Window);

    /// <summary>A successful login forgives the earlier failures (only written when there were any).</summary>
    public Task SucceededAsync(string account, string client, LoginFailures? failures) =>
        failures is null ? Task.CompletedTask : storage.Shared.ClearLoginFailuresAsync(Key(account, client));
}
