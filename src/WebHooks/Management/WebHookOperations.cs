using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using WebHooks.Accounts;
using WebHooks.Delivery;
using WebHooks.Lifecycle;
using WebHooks.Storage;

namespace WebHooks.Management;

/// <summary>
/// The four management functions of spec 3.1, implemented once. The SOAP, JSON and demo adapters all
/// call these, so validation and error codes are the same everywhere. Every query is scoped to the
/// authenticated account: another account's webhook does not exist here.
/// </summary>
public sealed class WebHookOperations(
    Store store,
    EventLog log,
    AccountService accounts,
    ReplayBuffer buffer,
    IDeliverySignals signals,
    WebHooksOptions options,
    TimeProvider time,
    ILogger<WebHookOperations> logger)
{
    public Task<Outcome<WebHookView>> CreateWebHookAsync(string? username, string? password, string? app, string? @event, string? url) =>
        Run(nameof(CreateWebHookAsync), username, password, async account =>
        {
            if (string.IsNullOrEmpty(app)) return Outcome<WebHookView>.Missing("app");
            if (string.IsNullOrEmpty(@event)) return Outcome<WebHookView>.Missing("event");
            if (string.IsNullOrEmpty(url)) return Outcome<WebHookView>.Missing("url");
            if (WebHookValidation.App(app) is { } badApp) return Outcome<WebHookView>.Invalid("app", badApp);
            if (WebHookValidation.Event(@event) is { } badEvent) return Outcome<WebHookView>.Invalid("event", badEvent);
            if (WebHookValidation.Url(url) is { } badUrl) return Outcome<WebHookView>.Invalid("url", badUrl);

            var secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            var created = Now();
            var limit = options.Limits.WebHooksPerAccount;
            var webHook = await store.WriteAsync(() =>
            {
                if (store.WebHooks.Count(w => w.Account == account) >= limit) return null;
                var streamId = log.StreamFor(account, @event);
                var document = new WebHookDocument
                {
                    Account = account, App = app, Event = @event, Url = url, Secret = secret, Created = created,
                    StreamId = streamId,
                    Delivered = log.LastSequence(streamId), // a new webhook starts at the end of its stream
                };
                store.WebHooks.Insert(document);
                return document;
            });
            if (webHook is null)
                return Outcome<WebHookView>.Failure(ErrorCode.LimitReached, $"limit reached: an account holds at most {limit} webhooks");

            logger.LogInformation("Webhook {WebHookId} created for {Event}", webHook.Id, webHook.Event);
            signals.Changed(webHook.Id);
            return Outcome<WebHookView>.Success(View(webHook));
        });

    public Task<Outcome<IReadOnlyList<WebHookView>>> GetWebHooksAsync(string? username, string? password, string? app = null, string? @event = null) =>
        Run(nameof(GetWebHooksAsync), username, password, account =>
        {
            if (!string.IsNullOrEmpty(@event) && WebHookValidation.Event(@event) is { } badEvent)
                return Task.FromResult(Outcome<IReadOnlyList<WebHookView>>.Invalid("event", badEvent));

            IReadOnlyList<WebHookView> list = [.. OwnedBy(account)
                .Where(w => string.IsNullOrEmpty(app) || w.App == app)
                .Where(w => string.IsNullOrEmpty(@event) || w.Event == @event)
                .OrderBy(w => w.Id)
                .Select(View)];
            return Task.FromResult(Outcome<IReadOnlyList<WebHookView>>.Success(list));
        });

    public Task<Outcome<ActivationView>> ActivateWebHookAsync(string? username, string? password, int? webhookId, int? replayEvents = null) =>
        Run(nameof(ActivateWebHookAsync), username, password, async account =>
        {
            if (webhookId is null or 0) return Outcome<ActivationView>.Missing("webhookId");
            if (replayEvents is not (null or 0 or 1)) return Outcome<ActivationView>.Invalid("replayEvents", "must be 0 or 1");
            var replay = replayEvents == 1;

            var outcome = await store.WriteAsync(() =>
            {
                var webHook = FindOwned(account, webhookId.Value);
                if (webHook is null) return null;
                var (replayed, discarded) = buffer.Reactivate(webHook, replay);
                store.WebHooks.Update(webHook);
                return new ActivationView(View(webHook), replayed, discarded);
            });
            if (outcome is null) return Outcome<ActivationView>.NotFound();

            logger.LogInformation("Webhook {WebHookId} activated: {Replayed} events to replay, {Discarded} discarded",
                webhookId, outcome.ReplayedEvents, outcome.DiscardedEvents);
            signals.Changed(webhookId.Value);
            return Outcome<ActivationView>.Success(outcome);
        });

    public Task<Outcome<int>> DeleteWebHookByIdAsync(string? username, string? password, int? webhookId) =>
        Run(nameof(DeleteWebHookByIdAsync), username, password, async account =>
        {
            if (webhookId is null or 0) return Outcome<int>.Missing("webhookId");

            // What was queued or buffered for it is no longer anybody's: retention deletes those events.
            var deleted = await store.WriteAsync(() =>
                FindOwned(account, webhookId.Value) is not null && store.WebHooks.Delete(webhookId.Value));
            if (!deleted) return Outcome<int>.NotFound();

            logger.LogInformation("Webhook {WebHookId} deleted", webhookId);
            signals.Changed(webhookId.Value);
            return Outcome<int>.Success(webhookId.Value);
        });

    /// <summary>One webhook of the account, as its owner sees it; null when it has no such webhook.</summary>
    public WebHookView? Find(string account, int webhookId) =>
        FindOwned(account, webhookId) is { } webHook ? View(webHook) : null;

    private IEnumerable<WebHookDocument> OwnedBy(string account) => store.WebHooks.Find(w => w.Account == account);

    private WebHookDocument? FindOwned(string account, int webhookId) =>
        store.WebHooks.FindById(webhookId) is { } webHook && webHook.Account == account ? webHook : null;

    private WebHookView View(WebHookDocument w) =>
        new(w.Id, w.App, w.Event, w.Url, w.Active, w.Created, w.Deactivated, buffer.Count(w), w.LastError, w.Secret);

    private DateTime Now() => time.StoredNow();

    private async Task<Outcome<T>> Run<T>(string operation, string? username, string? password, Func<string, Task<Outcome<T>>> body)
    {
        if (string.IsNullOrEmpty(username)) return Outcome<T>.Missing("username");
        if (string.IsNullOrEmpty(password)) return Outcome<T>.Missing("password");

        using var scope = logger.BeginScope(new Dictionary<string, object> { ["Function"] = operation.Replace("Async", ""), ["Account"] = username });
        try
        {
            var account = accounts.Authenticate(username, password);
            if (account is null) return Outcome<T>.LoginFailed();
            return await body(account);
        }
        catch (Exception e)
        {
            logger.LogError(e, "{Function} failed", operation);
            return Outcome<T>.Internal();
        }
    }
}
