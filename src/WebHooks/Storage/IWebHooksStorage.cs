namespace WebHooks.Storage;

/// <summary>
/// The service's storage, spoken to by intent: "append this event", "claim this webhook's lane", "save how far it
/// got". Each call is one atomic unit; how calls are batched, locked and made durable is the adapter's business.
/// Two adapters implement it: LiteDB (embedded, one process, the default) and PostgreSQL (several instances).
/// Business rules stay in the engine (<see cref="Delivery.DeliveryOffset"/>, <see cref="Lifecycle.BufferRules"/>,
/// <see cref="Lifecycle.LinkRules"/>, <see cref="Lifecycle.RetentionRules"/>); adapters call them inside their transactions.
/// </summary>
/// <remarks>
/// Times: business times (published, deactivated, next attempt, created) come from the engine's
/// <see cref="TimeProvider"/> as parameters, so that tests can run the 5-day rules on a fake clock. Only lane
/// leases use the database's own clock, so that instances with skewed clocks agree on who owns a lane.
/// Account names arrive normalised (<see cref="Accounts.AccountName"/>): adapters compare them exactly.
/// </remarks>
public interface IWebHooksStorage : IAsyncDisposable
{
    IAccountStore Accounts { get; }
    IWebHookStore WebHooks { get; }
    IEventStore Events { get; }
    ILaneStore Lanes { get; }
    INotificationStore Notifications { get; }
    IAttemptStore Attempts { get; }
    ISharedState Shared { get; }
    IMaintenance Maintenance { get; }

    /// <summary>Wake-ups from other instances (none with an embedded store).</summary>
    IStorageSignals Signals { get; }

    /// <summary>
    /// What a password login reads: the failed logins counted under <paramref name="throttleKey"/> (as
    /// <see cref="ISharedState.GetLoginFailuresAsync"/>) and the account (as <see cref="IAccountStore.FindAsync"/>).
    /// Every Basic-authenticated publish asks, so an adapter with round trips reads both in one.
    /// </summary>
    async Task<(LoginFailures? Failures, Account? Account)> FindLoginAsync(string throttleKey, string name, CancellationToken cancellationToken = default) =>
        (await Shared.GetLoginFailuresAsync(throttleKey, cancellationToken), await Accounts.FindAsync(name, cancellationToken));

    /// <summary>Creates or upgrades the schema (idempotent; safe when several instances start at once).</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);
}

public interface IAccountStore
{
    /// <summary>False when an account of that name exists already.</summary>
    Task<bool> AddAsync(Account account, CancellationToken cancellationToken = default);

    Task<Account?> FindAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>All accounts, by name.</summary>
    Task<IReadOnlyList<Account>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the account with its webhooks, notifications, API keys and recent events. Null when there is no such account;
    /// else the ids of the webhooks removed with it (their lanes must stop).
    /// </summary>
    Task<IReadOnlyList<int>?> RemoveAsync(string name, CancellationToken cancellationToken = default);

    Task AddApiKeyAsync(ApiKey key, CancellationToken cancellationToken = default);

    /// <summary>The key with this hash, unless it was revoked.</summary>
    Task<ApiKey?> FindApiKeyAsync(string hash, CancellationToken cancellationToken = default);

    /// <summary>False when the account has no such (unrevoked) key.</summary>
    Task<bool> RevokeApiKeyAsync(string account, string hash, DateTime now, CancellationToken cancellationToken = default);
}

public interface IWebHookStore
{
    /// <summary>
    /// Creates the webhook at the current end of its stream (it receives events published from now on), with a new
    /// id that was never used before. Null when the account holds <paramref name="limit"/> webhooks already.
    /// </summary>
    Task<WebHookRecord?> CreateAsync(NewWebHook webHook, int limit, CancellationToken cancellationToken = default);

    /// <summary>The account's webhooks, oldest first.</summary>
    Task<IReadOnlyList<WebHookRecord>> ListAsync(string account, CancellationToken cancellationToken = default);

    /// <summary>The webhook, when it belongs to the account; else null (another account's webhook does not exist).</summary>
    Task<WebHookRecord?> FindAsync(string account, int id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Activates a deactivated webhook, replaying or discarding its buffer (<see cref="Delivery.DeliveryOffset.Reactivate"/>).
    /// Through a notification's link (<see cref="Reactivate.ViaNotification"/>) only while that link is open
    /// (<see cref="Lifecycle.LinkRules.Classify"/>), and the link is used up in the same transaction.
    /// </summary>
    Task<Reactivation> ReactivateAsync(Reactivate request, CancellationToken cancellationToken = default);

    /// <summary>Deletes the webhook with everything queued or buffered for it; false when the account has no such webhook.</summary>
    Task<bool> DeleteAsync(string account, int id, CancellationToken cancellationToken = default);

    /// <summary>Replaces the secret; the previous one stays valid (signatures carry both) until <paramref name="previousUntil"/>.</summary>
    Task<WebHookRecord?> RotateSecretAsync(string account, int id, string newSecret, DateTime previousUntil, CancellationToken cancellationToken = default);

    /// <summary>How many webhooks are active and deactivated, all accounts (for metrics).</summary>
    Task<WebHookCounts> CountAsync(CancellationToken cancellationToken = default);
}

public interface IEventStore
{
    /// <summary>
    /// Publishes one event: decides per webhook of (account, event) whether it is queued, buffered or dropped
    /// (<see cref="Lifecycle.BufferRules.Keeps"/>), appends it once to the stream with the next sequence number when
    /// any webhook keeps it, puts it in the account's ring of recent events (<see cref="Events.RecentEvents"/>, whether
    /// or not a webhook keeps it), and remembers the idempotency key. Durable when the task completes. A repeated
    /// idempotency key stores nothing.
    /// </summary>
    Task<Appended> AppendAsync(NewEvent newEvent, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="max"/> events of the webhook's stream in (<paramref name="after"/>, <paramref name="upTo"/>], in order.</summary>
    Task<IReadOnlyList<StoredEvent>> ReadAsync(int webHookId, long after, long upTo, int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// The account's most recent published events of that type, from its ring (at most <see cref="Events.RecentEvents.Kept"/>),
    /// newest first; retention does not touch them. <see cref="StoredEvent.Sequence"/> counts the account's publishes of
    /// that type (it is not the stream's sequence).
    /// </summary>
    Task<IReadOnlyList<StoredEvent>> RecentAsync(string account, string eventName, int max, CancellationToken cancellationToken = default);
}

/// <summary>
/// Delivery lanes. A lane is the right to deliver one webhook's events; one owner at a time keeps per-webhook order.
/// With several instances a lane is a lease with a fencing token: every write names the token, so an instance whose
/// lease expired cannot overwrite the new owner's progress. No transaction is ever held across an HTTP call.
/// </summary>
public interface ILaneStore
{
    /// <summary>How long a claim lasts unless renewed (every <see cref="SaveAsync"/> renews it).</summary>
    TimeSpan LeaseDuration { get; }

    /// <summary>Active webhooks with something to deliver now (events after their offset, retry due) and no live lease: the backstop poll.</summary>
    Task<IReadOnlyList<int>> FindDueAsync(DateTime now, int max, CancellationToken cancellationToken = default);

    /// <summary>Claims the webhook's lane; null when it is gone, deactivated, or leased by another live instance.</summary>
    Task<LaneLease?> TryClaimAsync(int webHookId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves the lane's progress and renews the lease. Returns the webhook as stored now (its secret may have been
    /// rotated meanwhile), or null when the lane is lost: lease taken over, webhook deleted or deactivated.
    /// </summary>
    Task<WebHookRecord?> SaveAsync(LaneLease lease, DeliveryProgress progress, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves the progress (when given) and gives the lane up, so that any instance may claim it when it is due. Returns
    /// the head of the webhook's stream once released (null when the lane was lost): past the progress, events came
    /// that the lane never read, and whose publisher may have left them to the lane, as it was held (on PostgreSQL, an
    /// instance does not start a lane for a webhook that another one holds). The caller claims again then.
    /// </summary>
    Task<long?> ReleaseAsync(LaneLease lease, DeliveryProgress? progress, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deactivates the webhook (fenced by the lease) and stores the system notification, in one transaction; the
    /// webhook's undelivered events become its buffer. Null when the lane was lost or the webhook is inactive already.
    /// </summary>
    Task<Notification?> DeactivateAsync(LaneLease lease, DeliveryProgress progress, NewNotification notification, CancellationToken cancellationToken = default);

    /// <summary>Deletes a webhook whose URL answered 410 Gone, when it was made as a REST hook (fenced). False when the lane was lost.</summary>
    Task<bool> RemoveGoneAsync(LaneLease lease, CancellationToken cancellationToken = default);
}

public interface INotificationStore
{
    /// <summary>The account's notifications, newest first.</summary>
    Task<IReadOnlyList<Notification>> ListAsync(string account, int max, CancellationToken cancellationToken = default);

    Task<Notification?> FindAsync(int id, CancellationToken cancellationToken = default);
}

/// <summary>The log of delivery attempts, kept <see cref="RetentionPolicy.AttemptRetention"/>.</summary>
public interface IAttemptStore
{
    Task AddAsync(IReadOnlyList<DeliveryAttempt> attempts, CancellationToken cancellationToken = default);

    /// <summary>The webhook's attempts, newest first, when it belongs to the account.</summary>
    Task<IReadOnlyList<DeliveryAttempt>> ListAsync(string account, int webHookId, int max, CancellationToken cancellationToken = default);
}

/// <summary>State that every instance must see alike: keys, the login throttle.</summary>
public interface ISharedState
{
    /// <summary>The named secret key, created (with <paramref name="create"/>) by the first instance that asks.</summary>
    Task<byte[]> GetOrCreateKeyAsync(string name, Func<byte[]> create, CancellationToken cancellationToken = default);

    /// <summary>Failed logins counted under <paramref name="key"/> (account and client address).</summary>
    Task<LoginFailures?> GetLoginFailuresAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Counts one more failure; the count starts again when the last failure is older than <paramref name="window"/>.</summary>
    Task<LoginFailures> AddLoginFailureAsync(string key, DateTime now, TimeSpan window, CancellationToken cancellationToken = default);

    Task ClearLoginFailuresAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>ASP.NET Core data-protection keys (cookies, antiforgery), as XML elements, so that every instance reads every other's cookies.</summary>
    Task<IReadOnlyList<string>> GetDataProtectionKeysAsync(CancellationToken cancellationToken = default);

    Task StoreDataProtectionKeyAsync(string name, string xml, CancellationToken cancellationToken = default);
}

public interface IMaintenance
{
    /// <summary>One retention pass (<see cref="Lifecycle.RetentionRules"/>).</summary>
    Task<RetentionResult> PurgeAsync(RetentionPolicy policy, CancellationToken cancellationToken = default);

    /// <summary>
    /// Leadership of a periodic job, so that it runs on one instance at a time: null when another instance leads.
    /// Disposing gives it up.
    /// </summary>
    Task<IAsyncDisposable?> TryLeadAsync(string job, CancellationToken cancellationToken = default);

    /// <summary>Does the store answer? For the health check.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken = default);

    /// <summary>When the oldest event still waiting for an active webhook was published; null when none waits (for metrics).</summary>
    Task<DateTime?> OldestUndeliveredAsync(CancellationToken cancellationToken = default);
}

/// <summary>Wake-ups raised by other instances: events published for these webhooks, or the webhooks changed.</summary>
public interface IStorageSignals
{
    /// <summary>Raised with webhook ids that changed (or may have); an empty list means "look at everything" (signals were lost).</summary>
    event Action<IReadOnlyList<int>>? WebHooksTouched;

    /// <summary>
    /// Raised with webhook ids that got events published by another instance, which woke its own lanes for them;
    /// nothing else changed. Only a lane that runs here needs waking.
    /// </summary>
    event Action<IReadOnlyList<int>>? EventsAppended;

    /// <summary>How often the engine polls for due lanes as a backstop for lost signals and retries.</summary>
    TimeSpan PollInterval { get; }
}
