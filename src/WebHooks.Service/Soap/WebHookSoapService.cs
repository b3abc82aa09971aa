using WebHooks.Management;
using WebHooks.Service.Wire;

namespace WebHooks.Service.Soap;

/// <summary>The one implementation behind both SOAP endpoints (both contracts): calls the engine, maps to the wire types.</summary>
public sealed class WebHookSoapService(WebHookOperations operations) : IWebHookService, IWebHookRpcService
{
    public async Task<WebHookReply> CreateWebHookAsync(string? username, string? password, string? app, string? @event, string? url) =>
        WebHookReply.From(await operations.CreateWebHookAsync(username, password, app, @event, url));

    public async Task<WebHookListReply> GetWebHooksAsync(string? username, string? password, string? app, string? @event) =>
        WebHookListReply.From(await operations.GetWebHooksAsync(username, password, app, @event));

    public async Task<ActivationReply> ActivateWebHookAsync(string? username, string? password, int webhookId, int? replayEvents) =>
        ActivationReply.From(await operations.ActivateWebHookAsync(username, password, webhookId, replayEvents));

    public async Task<DeleteReply> DeleteWebHookByIdAsync(string? username, string? password, int webhookId) =>
        DeleteReply.From(await operations.DeleteWebHookByIdAsync(username, password, webhookId));

    public async Task<DeliveryListReply> GetWebHookDeliveriesAsync(string? username, string? password, int webhookId, int? limit) =>
        DeliveryListReply.From(await operations.GetWebHookDeliveriesAsync(username, password, webhookId, limit));

    public async Task<WebHookReply> RotateWebHookSecretAsync(string? username, string? password, int webhookId) =>
        WebHookReply.From(await operations.RotateWebHookSecretAsync(username, password, webhookId));
}
