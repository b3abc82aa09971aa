using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using WebHooks.Accounts;
using WebHooks.Delivery;
using WebHooks.Events;
using WebHooks.Lifecycle;
using WebHooks.Storage;

namespace WebHooks.Management;

/// <summary>
/// The management functions of spec 3.1 and 11, implemented once. The SOAP, JSON and demo adapters all call these, so
/// validation and error codes are the same everywhere. Every query is scoped to the authenticated account: another
/// account's webhook does not exist here.
/// </summary>
public sealed class WebHookOperations(
    IWebHooksStorage storage,
    AccountService accounts,
    WebHookActivation activation,
    EventIntake intake,
    IDeliverySignals signals,
    WebHooksOptions options,
    TimeProvider time,
    ILogger<WebHookOperations> logger)
{
    public Task<Outcome<WebHookView>> CreateWebHookAsync(string? username, string? password, string? app, string? @event, string? url) =>
        Run(nameof(CreateWebHookAsync), username, password, account => CreateAsync(account, app, @event, url, WebHookOrigin.Management));

    /// <summary>Creates a webhook for an authenticated account (the REST hooks API authenticates its own way).</summary>
    public async Task<Outcome<WebHookView>> CreateAsync(string account, string? app, string? @event, string? url, WebHookOrigin origin)
    {
        if (string.IsNullOrEmpty(app)) return Outcome<WebHookView>.Missing("app");
        if (string.IsNullOrEmpty(@event)) return Outcome<WebHookView>.Missing("event");
        if (string.IsNullOrEmpty(url)) return Outcome<WebHookView>.Missing("url");
        if (WebHookValidation.App(app) is { } badApp) return Outcome<WebHookView>.Invalid("app", badApp);
        if (WebHookValidation.Event(@event) is { } badEvent) return Outcome<WebHookView>.Invalid("event", badEvent);
        if (WebHookValidation.Url(url) is { } badUrl) return Outcome<WebHookView>.Invalid("url", badUrl);

        var limit = options.Limits.WebHooksPerAccount;
        var webHook = await storage.WebHooks.CreateAsync(new NewWebHook(account, app, @event, url, NewSecret(), time.StoredNow(), origin), limit);
        if (webHook is null)
            return Outcome<WebHookView>.Failure(ErrorCode.LimitReached, $"limit reached: an account holds at most {limit} webhooks");

        logger.LogInformation("Webhook {WebHookId} created for {Event}", webHook.Id, webHook.Event);
        signals.Changed(webHook.Id);
        return Outcome<WebHookView>.Success(WebHookView.Of(webHook));
    }

    public Task<Outcome<IReadOnlyList<WebHookView>>> GetWebHooksAsync(string? username, string? password, string? app = null, string? @event = null) =>
        Run(nameof(GetWebHooksAsync), username, password, async account =>
        {
            if (!string.IsNullOrEmpty(@event) && WebHookValidation.Event(@event) is { } badEvent)
                return Outcome<IReadOnlyList<WebHookView>>.Invalid("event", badEvent);

            IReadOnlyList<WebHookView> list = [.. (await storage.WebHooks.ListAsync(account))
                .Where(w => string.IsNullOrEmpty(app) || w.App == app)
                .Where(w => string.IsNullOrEmpty(@event) || w.Event == @event)
                .Select(WebHookView.Of)];
            return Outcome<IReadOnlyList<WebHookView>>.Success(list);
        });

    public Task<Outcome<ActivationView>> ActivateWebHookAsync(string? username, string? password, int? webhookId, int? replayEvents = null) =>
        Run(nameof(ActivateWebHookAsync), username, password, async account =>
        {
            if (webhookId is null or 0) return Outcome<ActivationView>.Missing("webhookId");
            if (replayEvents is not (null or 0 or 1)) return Outcome<ActivationView>.Invalid("replayEvents", "must be 0 or 1");

            var outcome = await activation.ActivateAsync(account, webhookId.Value, replayEvents == 1);
            if (outcome.WebHook is not { } webHook) return Outcome<ActivationView>.NotFound();
            return Outcome<ActivationView>.Success(new ActivationView(WebHookView.Of(webHook), Count(outcome.Replayed), Count(outcome.Discarded)));
        });

    public Task<Outcome<int>> DeleteWebHookByIdAsync(string? username, string? password, int? webhookId) =>
        Run(nameof(DeleteWebHookByIdAsync), username, password, async account =>
        {
            if (webhookId is null or 0) return Outcome<int>.Missing("webhookId");
            return await DeleteAsync(account, webhookId.Value) ? Outcome<int>.Success(webhookId.Value) : Outcome<int>.NotFound();
        });

    public const int DefaultDeliveries = 20;
    public const int MaxDeliveries = 100;

    /// <summary>For this long after a rotation, deliveries are signed with the new and the previous secret (spec 11).</summary>
    public static readonly TimeSpan SecretOverlap = TimeSpan.FromHours(24);

    public Task<Outcome<IReadOnlyList<DeliveryView>>> GetWebHookDeliveriesAsync(string? username, string? password, int? webhookId, int? limit = null) =>
        Run(nameof(GetWebHookDeliveriesAsync), username, password, async account =>
        {
            if (webhookId is null or 0) return Outcome<IReadOnlyList<DeliveryView>>.Missing("webhookId");
            if (limit is { } n && n is < 1 or > MaxDeliveries)
                return Outcome<IReadOnlyList<DeliveryView>>.Invalid("limit", $"must be between 1 and {MaxDeliveries}");
            return await DeliveriesAsync(account, webhookId.Value, limit ?? DefaultDeliveries) is { } list
                ? Outcome<IReadOnlyList<DeliveryView>>.Success(list)
                : Outcome<IReadOnlyList<DeliveryView>>.NotFound();
        });

    /// <summary>The webhook's most recent delivery attempts, newest first; null when the account has no such webhook.</summary>
    public async Task<IReadOnlyList<DeliveryView>?> DeliveriesAsync(string account, int webhookId, int limit)
    {
        if (await storage.WebHooks.FindAsync(account, webhookId) is null) return null;
        return [.. (await storage.Attempts.ListAsync(account, webhookId, Math.Clamp(limit, 1, MaxDeliveries))).Select(DeliveryView.Of)];
    }

    public Task<Outcome<WebHookView>> RotateWebHookSecretAsync(string? username, string? password, int? webhookId) =>
        Run(nameof(RotateWebHookSecretAsync), username, password, async account =>
        {
            if (webhookId is null or 0) return Outcome<WebHookView>.Missing("webhookId");
            return await RotateSecretAsync(account, webhookId.Value) is { } rotated
                ? Outcome<WebHookView>.Success(rotated)
                : Outcome<WebHookView>.NotFound();
        });

    /// <summary>
    /// Gives the account's webhook a new secret; for <see cref="SecretOverlap"/> deliveries carry a signature with the
    /// previous one too (a secret older than that is dropped). Null when the account has no such webhook.
    /// </summary>
    public async Task<WebHookView?> RotateSecretAsync(string account, int webhookId)
    {
        var rotated = await storage.WebHooks.RotateSecretAsync(account, webhookId, NewSecret(), time.StoredNow() + SecretOverlap);
        if (rotated is null) return null;
        logger.LogInformation("Webhook {WebHookId}: secret rotated; the previous one stays valid until {Until:u}", webhookId, rotated.Secrets.PreviousUntil);
        signals.Changed(webhookId); // its lane signs with both from its next save on
        return WebHookView.Of(rotated);
    }

    /// <summary>
    /// Publishes a test event for the account's webhook: an event of the webhook's type whose data says
    /// <c>"test": true</c>, delivered like any other (so every webhook of the account on that event receives it).
    /// Null when the account has no such webhook.
    /// </summary>
    public async Task<Published?> SendTestEventAsync(string account, int webhookId)
    {
        if (await storage.WebHooks.FindAsync(account, webhookId) is not { } webHook) return null;
        var data = JsonSerializer.Serialize(new
        {
            test = true,
            webhookId = webHook.Id,
            @event = webHook.Event,
            sent = time.StoredNow().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            message = "A test event sent from the account page; it carries no subscriber's data.",
        });
        var published = await intake.PublishAsync(account, webHook.Event, data);
        logger.LogInformation("Test event {EventId} published for webhook {WebHookId} ({Event}, {WebHooks} webhooks)",
            published.EventId, webHook.Id, webHook.Event, published.WebHooks);
        return published;
    }

    /// <summary>Deletes an authenticated account's webhook with everything queued or buffered for it; its lane stops.</summary>
    public async Task<bool> DeleteAsync(string account, int webhookId)
    {
        if (!await storage.WebHooks.DeleteAsync(account, webhookId)) return false;
        logger.LogInformation("Webhook {WebHookId} deleted", webhookId);
        signals.Changed(webhookId);
        return true;
    }

    /// <summary>The account's webhooks, oldest first, however they were made.</summary>
    public async Task<IReadOnlyList<WebHookView>> ListAsync(string account) =>
        [.. (await storage.WebHooks.ListAsync(account)).Select(WebHookView.Of)];

    /// <summary>One webhook of the account, as its owner sees it; null when it has no such webhook.</summary>
    public async Task<WebHookView?> FindAsync(string account, int webhookId) =>
        await storage.WebHooks.FindAsync(account, webhookId) is { } webHook ? WebHookView.Of(webHook) : null;

    public static string NewSecret() => WebHookSignature.SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static int Count(long n) => (int)Math.Min(int.MaxValue, n);

    private async Task<Outcome<T>> Run<T>(string operation, string? username, string? password, Func<string, Task<Outcome<T>>> body)
    {
        if (string.IsNullOrEmpty(username)) return Outcome<T>.Missing("username");
        if (string.IsNullOrEmpty(password)) return Outcome<T>.Missing("password");

        using var scope = logger.BeginScope(new Dictionary<string, object> { ["Function"] = operation.Replace("Async", ""), ["Account"] = AccountName.Normalize(username) });
        try
        {
            var account = await accounts.AuthenticateAsync(username, password);
            if (account is null) return Outcome<T>.LoginFailed();
            return await body(account);
        }
        catch (StorageUnavailableException e)
        {
            logger.LogWarning("{Function} failed: {Reason}", operation, e.Message);
            return Outcome<T>.Internal();
        }
        catch (Exception e)
        {
            logger.LogError(e, "{Function} failed", operation);
            return Outcome<T>.Internal();
        }
    }
}
