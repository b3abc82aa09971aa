using WebHooks.Accounts;
using WebHooks.Lifecycle;
using WebHooks.Service.Admin;
using WebHooks.Service.Api;
using WebHooks.Service.Hosting;
using WebHooks.Service.Json;
using WebHooks.Service.Logging;
using WebHooks.Service.Observability;
using WebHooks.Service.Pages.Account;
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
        // Before anything is created: the database, its log and the admin socket are the owner's only.
        OwnerOnlyUmask.Apply();
        var builder = WebApplication.CreateBuilder(SettingsFiles.BuilderOptions(args));
        builder.UseServiceLog();
        var urls = builder.Configuration["urls"];
        builder.ListenOnAdminSocket(string.IsNullOrEmpty(urls) ? DefaultUrl : urls);
        builder.AddRequestLimits();
        builder.AddServedHosts();

        builder.Services.AddWebHooksStorage();
        builder.Services.AddHostedService<DevelopmentAccount>();
        builder.Services.AddWebHooksEngine(builder.Configuration);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<ICallerAddress, HttpCallerAddress>();
        builder.Services.AddSingleton<IServiceAddress, ServerAddress>();
        builder.Services.AddDataProtectionInStorage();
        builder.Services.AddWebHooksSoap();
        builder.Services.AddNotificationPages();
        builder.Services.AddApiDocument();
        builder.Services.AddAccountPages();
        builder.Services.AddWebHooksMetrics();
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        // Open the storage now: a second service on the same LiteDB file stops here, with a clear error.
        var storage = app.Services.GetRequiredService<IWebHooksStorage>();
        app.LogSettingsInUse(storage is LiteDbStorage file ? file.Path : "PostgreSQL");
        if (storage is LiteDbStorage embedded) AdminSocket.RemoveStaleSocket(embedded.Path);
        app.UseRequestLimits();
        app.UseStorageUnavailableAs503();
        app.UseWebHooksSoap();
        app.MapJsonBinding();
        app.MapRestApi();
        app.MapApiDocument();
        app.MapAdminApi();
        app.MapNotificationPages();
        app.MapAccountPages();
        app.MapDemoPages();
        app.MapWebHooksMetrics();
        return app;
    }
}
