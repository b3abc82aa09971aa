using WebHooks.Lifecycle;
using WebHooks.Storage;
using WebHooks.Service.Wire;

namespace WebHooks.Service.Api;

/// <summary><c>GET /api/notifications</c>: the account's system notifications, newest first (spec 6).</summary>
public static class NotificationsApi
{
    public sealed record NotificationItem(int Id, string Type, int WebhookId, string Created, string Message, string ActivationUrl);

    public static void MapNotificationsApi(this IEndpointRouteBuilder api) =>
        api.MapGet("/notifications", List)
            .WithName("ListNotifications").WithSummary("The account's system notifications, newest first")
            .Produces<NotificationItem[]>();

    private const int MaxListed = 1_000;

    private static async Task<IResult> List(HttpRequest request, IWebHooksStorage storage, NotificationLinks links, WebHooksOptions options)
    {
        var account = request.HttpContext.ApiAccount();

        var baseUrl = PublicBaseUrl.Of(request, options);
        var listed = new List<NotificationItem>();
        foreach (var n in await storage.Notifications.ListAsync(account, MaxListed))
            listed.Add(new NotificationItem(n.Id, n.Type, n.WebHookId, WireFormat.Timestamp(n.Created), n.Message, baseUrl + await links.PathOfAsync(n)));
        return Results.Json(listed);
    }
}
