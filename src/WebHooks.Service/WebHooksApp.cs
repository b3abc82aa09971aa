using WebHooks.Service.Admin;
using WebHooks.Storage;
using WebHooks.Service.Api;
using WebHooks.Service.Json;
using WebHooks.Service.Logging;
using WebHooks.Service.Pages.Demo;
using WebHooks.Service.Pages.Notifications;
using WebHooks.Service.Soap;

namespace WebHooks.Service;

/// <summary>The web host: each line wires one capability; the detail lives beside the feature.</summary>
public static class WebHooksApp
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <param name="configureServices">Lets tests replace services (a fake clock, say) before the host is built.</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        // Before anything is created: the database, its log and the admin socket are the owner's only.
        OwnerOnlyFiles.ForThisProcess();
        var builder = WebApplication.CreateBuilder(SettingsFiles.BuilderOptions(args));
        builder.UseServiceLog();
        var urls = builder.Configuration["urls"];
        builder.ListenOnAdminSocket(string.IsNullOrEmpty(urls) ? DefaultUrl : urls);
        builder.AddRequestLimits();
        builder.AddServedHosts();

        builder.Services.AddWebHooksEngine(builder.Configuration);
        builder.Services.AddWebHooksSoap();
        builder.Services.AddNotificationPages();
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        // Open (and lock) the database now: a second service on the same file stops here, with a clear error.
        var store = app.Services.GetRequiredService<Store>();
        app.LogSettingsInUse(store.Path);
        AdminSocket.RemoveStaleSocket(store.Path);
        app.SeedDevelopmentAccount();
        app.UseRequestLimits();
        app.UseWebHooksSoap();
        app.MapJsonBinding();
        app.MapEventsApi();
        app.MapNotificationsApi();
        app.MapAdminApi();
        app.MapNotificationPages();
        app.MapDemoPages();
        return app;
    }
}
