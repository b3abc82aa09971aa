using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using WebHooks.Storage;
using WebHooks.Storage.LiteDb;
using WebHooks.Storage.PostgreSql;

namespace WebHooks.Service.Hosting;

/// <summary>The storage adapter chosen by <c>WebHooks:Storage:Provider</c>, its migration at start, and what lives in it for the web host.</summary>
public static class StorageSetup
{
    /// <summary>Registers the storage; call it before the engine, so that the schema is migrated before anything runs.</summary>
    public static IServiceCollection AddWebHooksStorage(this IServiceCollection services)
    {
        services.AddSingleton(Open);
        services.AddHostedService<StorageStartup>();
        return services;
    }

    /// <summary>Cookies and antiforgery tokens are readable by every instance: their keys live in the storage.</summary>
    public static IServiceCollection AddDataProtectionInStorage(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("WebHooks");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(options =>
            options.XmlRepository = new StorageXmlRepository(sp.GetRequiredService<IWebHooksStorage>())));
        return services;
    }

    private static IWebHooksStorage Open(IServiceProvider services)
    {
        var options = services.GetRequiredService<WebHooksOptions>();
        var storage = options.Storage;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("WebHooks.Storage");
        var lease = storage.LeaseDuration ?? options.Delivery.Timeout * 2;
        if (string.Equals(storage.Provider, StorageOptions.LiteDb, StringComparison.OrdinalIgnoreCase))
        {
            return LiteDbStorage.Open(new LiteDbStorageOptions
            {
                Path = storage.Path,
                LeaseDuration = lease,
                PollInterval = storage.PollInterval ?? TimeSpan.FromSeconds(30),
                BufferPeriod = options.Buffer.Period,
            }, logger);
        }
        if (storage.IsPostgreSql)
        {
            if (string.IsNullOrWhiteSpace(storage.ConnectionString))
                throw new InvalidOperationException("WebHooks:Storage:Provider is PostgreSql, but WebHooks:Storage:ConnectionString is not set");
            return PostgreSqlStorage.Create(new PostgreSqlStorageOptions
            {
                ConnectionString = storage.ConnectionString,
                LeaseDuration = lease,
                PollInterval = storage.PollInterval ?? TimeSpan.FromSeconds(1),
            }, services.GetRequiredService<ILoggerFactory>());
        }
        throw new InvalidOperationException(
            $"WebHooks:Storage:Provider is '{storage.Provider}'; it must be {StorageOptions.LiteDb} or {StorageOptions.PostgreSql}");
    }

    /// <summary>Creates or upgrades the schema before the other services start.</summary>
    private sealed class StorageStartup(IWebHooksStorage storage) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => storage.MigrateAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
