using NLog.Web;
using WebHooks.Accounts;
using WebHooks.Lifecycle;
using WebHooks.Service.Admin;
using WebHooks.Service.Api;
using WebHooks.Service.Hosting;
using WebHooks.Service.Json;
using WebHooks.Service.Pages.Demo;
using WebHooks.Service.Pages.Notifications;
using WebHooks.Service.Soap;
using WebHooks.Storage;
using WebHooks.Storage.LiteDb;

namespace WebHooks.Service;

/// <summary>The web host: each line wires one capability; the detail lives beside the feature.</summary>
public static class WebHooksApp
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <param name="configureServices">Lets tests replace services (a fake clock, say) before the host is built.</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.ClearProviders();
        builder.Host.UseNLog();
        var urls = builder.Configuration["urls"];
        builder.ListenOnAdminSocket(string.IsNullOrEmpty(urls) ? DefaultUrl : urls);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestLimits.MaxBodyBytes);

        builder.Services.AddWebHooksStorage();
        builder.Services.AddHostedService<DevelopmentAccount>();
        builder.Services.AddWebHooksEngine(builder.Configuration);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<ICallerAddress, HttpCallerAddress>();
        builder.Services.AddSingleton<IServiceAddress, ServerAddress>();
        builder.Services.AddDataProtectionInStorage();
        builder.Services.AddWebHooksSoap();
        builder.Services.AddNotificationPages();
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        // Open the storage now: a second service on the same LiteDB file stops here, with a clear error.
        if (app.Services.GetRequiredService<IWebHooksStorage>() is LiteDbStorage embedded) app.ServeAdminSocket(embedded.Path);
        app.UseStorageUnavailableAs503();
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
