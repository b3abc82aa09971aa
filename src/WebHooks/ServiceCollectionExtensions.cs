using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WebHooks.Accounts;
using WebHooks.Delivery;
using WebHooks.Events;
using WebHooks.Lifecycle;
using WebHooks.Management;
using WebHooks.Observability;

namespace WebHooks;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// The engine: accounts, management, intake, delivery and lifecycle; no web layer, and no storage either (the host
    /// registers an <see cref="Storage.IWebHooksStorage"/> adapter).
    /// </summary>
    public static IServiceCollection AddWebHooksEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebHooksOptions>().Bind(configuration.GetSection(WebHooksOptions.Section))
            .PostConfigure(o => o.Delivery.YieldToPublishes ??= !o.Storage.IsPostgreSql);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<WebHooksOptions>>().Value);
        services.AddSingleton(sp => sp.GetRequiredService<WebHooksOptions>().Delivery);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICallerAddress, LocalCaller>();
        services.TryAddSingleton<IServiceAddress, NoServiceAddress>();

        services.AddMetrics();
        services.AddSingleton<WebHooksMeter>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<FailedLoginLimiter>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<FailedApiKeyLimiter>();
        services.AddSingleton<ApiKeys>();
        services.AddSingleton<NotificationLinks>();
        services.AddSingleton<PublicLinks>();
        // Notifications are e-mailed when WebHooks:Smtp:Host is set; otherwise the mailer does nothing.
        services.AddSingleton<NotificationMailer>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationMailer>());
        services.TryAddSingleton<INotificationSink>(sp => sp.GetRequiredService<NotificationMailer>());
        services.AddSingleton<Deactivation>();
        services.AddSingleton<WebHookActivation>();
        services.AddSingleton<RetentionJob>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionJob>());
        services.AddSingleton<WebHookOperations>();
        services.AddSingleton<EventIntake>();
        services.AddSingleton<PublishActivity>();
        services.AddSingleton<IWebHookSender, WebHookSender>();
        services.AddSingleton<AttemptLog>();
        services.AddHostedService(sp => sp.GetRequiredService<AttemptLog>());
        services.AddSingleton<DeliveryLoop>();
        services.AddSingleton<IDeliverySignals>(sp => sp.GetRequiredService<DeliveryLoop>());
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryLoop>());
        return services;
    }
}
