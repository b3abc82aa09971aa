using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using WebHooks.Observability;

namespace WebHooks.Service.Observability;

/// <summary>
/// <c>GET /metrics</c> (spec 11): the engine's <see cref="WebHooksMeter"/> in Prometheus text format, through
/// OpenTelemetry's Prometheus exporter. The engine knows only <c>System.Diagnostics.Metrics</c>; this is the one place
/// that chooses an exporter. The gauges that need the store are read on each scrape, just before the exporter collects.
/// </summary>
/// <remarks>
/// No authentication: the series carry no account name, URL or id (only event names, outcomes, reasons and states).
/// Expose the path to the scraper only (the service answers only its own host names, see <c>AllowedHosts</c>).
/// </remarks>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static IServiceCollection AddWebHooksMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("webhooks", serviceVersion: typeof(MetricsEndpoint).Assembly.GetName().Version?.ToString(3),
                autoGenerateServiceInstanceId: false))
            .WithMetrics(metrics => metrics
                .AddMeter(WebHooksMeter.MeterName)
                .AddPrometheusExporter(options =>
                {
                    // Every scrape collects anew: a counter read right after an event is that event's.
                    options.ScrapeResponseCacheDurationMilliseconds = 0;
                }));
        return services;
    }

    public static void MapWebHooksMetrics(this WebApplication app) =>
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            await context.RequestServices.GetRequiredService<WebHooksMeter>().RefreshGaugesAsync(context.RequestAborted);
            await next(context);
        }), optionsName: null);
}
