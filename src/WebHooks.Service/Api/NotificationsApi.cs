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

    private static IResult List(HttpRequest request, AccountService accounts, Store store, NotificationLinks links, WebHooksOptions options)
    {
        var account = BasicAuthentication.Account(request, accounts);
        if (account is null) return BasicAuthentication.Challenge();

        var baseUrl = PublicBaseUrl.Of(request, options);
        var notifications = store.Notifications.Find(n => n.Account == account)
            .OrderByDescending(n => n.Id)
            .Select(n => new
            {
                id = n.Id,
                type = n.Type,
                webhookId = n.WebHookId,
                created = WireFormat.Timestamp(n.Created),
                message = n.Message,
                activationUrl = baseUrl + links.PathOf(n),
            });
        return Results.Json(notifications);
    }
}
