using WebHooks.Accounts;
using WebHooks.Lifecycle;
using WebHooks.Storage;
using WebHooks.Service.Wire;

namespace WebHooks.Service.Api;

/// <summary><c>GET /api/notifications</c>: the account's system notifications, newest first (spec 6).</summary>
public static class NotificationsApi
{
    public static void MapNotificationsApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/notifications", List).WithBasicChallenge();

    private const int MaxListed = 1_000;

    private static async Task<IResult> List(HttpRequest request, AccountService accounts, IWebHooksStorage storage, NotificationLinks links, WebHooksOptions options)
    {
        var account = await BasicAuthentication.AccountAsync(request, accounts);
        if (account is null) return BasicAuthentication.Challenge();

        var baseUrl = PublicBaseUrl.Of(request, options);
        var listed = new List<object>();
        foreach (var n in await storage.Notifications.ListAsync(account, MaxListed))
        {
            listed.Add(new
            {
                id = n.Id,
                type = n.Type,
                webhookId = n.WebHookId,
                created = WireFormat.Timestamp(n.Created),
                message = n.Message,
                activationUrl = baseUrl + await links.PathOfAsync(n),
            });
        }
        return Results.Json(listed);
    }
}
