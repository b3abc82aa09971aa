using Microsoft.AspNetCore.Authentication.Cookies;

namespace WebHooks.Service.Pages.Notifications;

/// <summary>
/// The account's notification page and the signed reactivation links (spec 6), server-rendered:
/// <list type="bullet">
/// <item><c>GET /notifications</c>: the signed-in account's notifications, newest first (else to the sign-in page);</item>
/// <item><c>GET|POST /notifications/signin</c>, <c>POST /notifications/signout</c>: a cookie session from the account's credentials;</item>
/// <item><c>GET /notifications/{id}?token=…</c>: the reactivation page of one notification; it changes nothing;</item>
/// <item><c>POST /notifications/{id}</c>: its two buttons, Activate and Activate and replay buffered events (antiforgery, once).</item>
/// </list>
/// </summary>
public static class NotificationPages
{
    public const string CookieScheme = "WebHooksNotifications";

    public static IServiceCollection AddNotificationPages(this IServiceCollection services)
    {
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "webhooks_antiforgery";
            options.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddAuthentication().AddCookie(CookieScheme, options =>
        {
            // One sign-in for the account's pages: /account and /notifications.
            options.Cookie.Name = "webhooks_account";
            options.Cookie.Path = "/";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            // The pages decide themselves where to send a visitor who is not signed in.
            options.Events = new CookieAuthenticationEvents
            {
                OnRedirectToLogin = c => { c.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; },
                OnRedirectToAccessDenied = c => { c.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; },
            };
        });
        services.AddSingleton<NotificationSession>();
        services.AddSingleton<ActivationLinkPage>();
        services.AddSingleton<AccountNotificationsPage>();
        return services;
    }

    public static void MapNotificationPages(this WebApplication app)
    {
        var pages = app.MapGroup("/notifications").ExcludeFromDescription().WithBodyLimit(RequestLimits.MaxPageFormBytes);
        pages.MapGet("", (HttpContext c, AccountNotificationsPage page) => page.ListAsync(c));
        pages.MapGet("/signin", (HttpContext c, AccountNotificationsPage page) => page.SignInFormAsync(c));
        pages.MapPost("/signin", (HttpContext c, AccountNotificationsPage page) => page.SignInAsync(c));
        pages.MapPost("/signout", (HttpContext c, AccountNotificationsPage page) => page.SignOutAsync(c));
        pages.MapGet("/{id:int}", (HttpContext c, int id, ActivationLinkPage page) => page.ShowAsync(c, id));
        pages.MapPost("/{id:int}", (HttpContext c, int id, ActivationLinkPage page) => page.UseAsync(c, id));
    }
}
