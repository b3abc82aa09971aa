using WebHooks.Delivery;
using WebHooks.Storage;

namespace WebHooks.Tests.Storage;

/// <summary>
/// The contract of <see cref="IWebHooksStorage"/>, written against the interface only, so that every adapter runs the
/// same suite: a concrete subclass per adapter says how to open one (<c>[TestClass]</c> goes on the subclasses only).
/// Business times are parameters (a fixed <see cref="T0"/> and offsets from it), so the 5-day and 30-day rules run
/// without waiting; only lane leases run on the store's own clock, and are awaited with a deadline.
/// The suite is split by subject over the files <c>StorageContractTests.*.cs</c>.
/// </summary>
public abstract partial class StorageContractTests
{
    protected const string OptIn = "optin_finalized";
    protected const string OptOut = "optout_finalized";
    protected static readonly DateTime T0 = new(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc);
    protected static readonly DateTime T1 = T0.AddHours(1); // when the webhook under test is deactivated (same file as T0: initialisation order)
    protected static readonly TimeSpan Period = TimeSpan.FromDays(5);
    protected static readonly TimeSpan Retention = TimeSpan.FromDays(30);
    protected static readonly TimeSpan Window = TimeSpan.FromHours(24);
    protected static readonly TimeSpan AttemptRetention = TimeSpan.FromDays(7);
    protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private int _events;

    /// <summary>A fresh, empty, migrated storage whose lane leases last <paramref name="leaseDuration"/> (default 30 s).</summary>
    protected abstract Task<IWebHooksStorage> OpenAsync(TimeSpan? leaseDuration = null);

    /// <summary>Disposes <paramref name="storage"/> and opens its data again, as after a restart of the service.</summary>
    protected abstract Task<IWebHooksStorage> ReopenAsync(IWebHooksStorage storage);

    /// <summary>The storage of the current test.</summary>
    protected IWebHooksStorage Store { get; set; } = null!;

    [TestInitialize]
    public async Task OpenStoreAsync() => Store = await OpenAsync();

    // ---- helpers: each is one ordinary use of the interface ----

    protected async Task AddAccountAsync(string name = "acme", IWebHooksStorage? store = null) =>
        Assert.IsTrue(await (store ?? Store).Accounts.AddAsync(new Account(name, "hash-" + name, name + "@example.com", T0)));

    protected async Task<WebHookRecord> CreateAsync(string account = "acme", string eventName = OptIn, int limit = 100,
        DateTime? created = null, IWebHooksStorage? store = null, WebHookOrigin origin = WebHookOrigin.Management)
    {
        var webHook = await (store ?? Store).WebHooks.CreateAsync(
            new NewWebHook(account, "shop", eventName, "https://example.com/hook", "whsec_" + Guid.NewGuid().ToString("N"), created ?? T0, origin), limit);
        Assert.IsNotNull(webHook, "the webhook was created");
        return webHook;
    }

    protected NewEvent Event(DateTime now, string account = "acme", string eventName = OptIn, string? key = null, string? data = null) =>
        new(account, eventName, $"evt_{Interlocked.Increment(ref _events):D4}_{Guid.NewGuid():N}", data ?? $"{{\"n\":{_events}}}", key, now, Period, Window);

    protected Task<Appended> PublishAsync(DateTime now, string account = "acme", string eventName = OptIn, string? key = null,
        string? data = null, IWebHooksStorage? store = null) =>
        (store ?? Store).Events.AppendAsync(Event(now, account, eventName, key, data));

    protected async Task<WebHookRecord> FindAsync(int id, string account = "acme")
    {
        var webHook = await Store.WebHooks.FindAsync(account, id);
        Assert.IsNotNull(webHook, $"webhook {id} exists");
        return webHook;
    }

    protected async Task<LaneLease> ClaimAsync(int id, IWebHooksStorage? store = null)
    {
        var lease = await (store ?? Store).Lanes.TryClaimAsync(id);
        Assert.IsNotNull(lease, $"the lane of webhook {id} was free");
        return lease;
    }

    /// <summary>The lane gives up after failures: the webhook is deactivated at <paramref name="at"/>.</summary>
    protected async Task<Notification> DeactivateAsync(int id, DateTime at, string error = "HTTP 500")
    {
        var lease = await ClaimAsync(id);
        var notification = await Store.Lanes.DeactivateAsync(lease, lease.WebHook.Progress with { Failures = 5, LastError = error },
            new NewNotification("webhook_deactivated", at, $"webhook {id} was deactivated", error));
        Assert.IsNotNull(notification, "the lane was ours");
        return notification;
    }

    /// <summary>The lane delivers everything it may read now (as the engine does, batch by batch), then lets go.</summary>
    protected async Task<IReadOnlyList<StoredEvent>> DeliverAllAsync(int id)
    {
        var lease = await ClaimAsync(id);
        var webHook = lease.WebHook;
        var delivered = new List<StoredEvent>();
        for (var round = 0; round < 100 && webHook.Offset.HasWork(webHook.Head); round++)
        {
            var offset = webHook.Offset.Advance(webHook.Offset.Delivered); // settles a finished replay
            var batch = await Store.Events.ReadAsync(id, offset.Delivered, offset.ReadLimit(webHook.Head), 3);
            if (batch.Count == 0) break;
            foreach (var e in batch) offset = offset.Advance(e.Sequence);
            delivered.AddRange(batch);
            webHook = await Store.Lanes.SaveAsync(lease, webHook.Progress with { Offset = offset, Failures = 0, NextAttemptAt = null })
                ?? throw new AssertFailedException("the lane was lost");
        }
        await Store.Lanes.ReleaseAsync(lease, null);
        return delivered;
    }

    protected static long[] Sequences(IEnumerable<StoredEvent> events) => [.. events.Select(e => e.Sequence)];

    protected static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what) where T : class
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            if (await probe() is { } found) return found;
            if (deadline.IsCancellationRequested) throw new AssertFailedException($"not within {Deadline}: {what}");
            await Task.Delay(50); // a poll interval, not a wait for something to happen
        }
    }

    // ---- the storage as a whole ----

    [TestMethod]
    public async Task Ping_answers()
    {
        Assert.IsTrue(await Store.Maintenance.PingAsync());
    }

    [TestMethod]
    public async Task Migrating_again_and_concurrently_changes_nothing()
    {
        await AddAccountAsync();
        var webHook = await CreateAsync();
        await PublishAsync(T0);

        await Store.MigrateAsync();
        await Task.WhenAll(Store.MigrateAsync(), Store.MigrateAsync(), Store.MigrateAsync());

        Assert.AreEqual(1, (await FindAsync(webHook.Id)).Head);
        Assert.AreEqual(1, (await Store.Events.ReadAsync(webHook.Id, 0, long.MaxValue, 10)).Count);
    }
}
