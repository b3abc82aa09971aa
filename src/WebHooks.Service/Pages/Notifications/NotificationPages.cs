namespace WebHooks.Service.Pages.Notifications;

/// <summary>The account's notification page and the signed reactivation links (spec 6).</summary>
public static class NotificationPages
{
    public static IServiceCollection AddNotificationPages(this IServiceCollection services) => services;

    public static void MapNotificationPages(this WebApplication app) { }
}
