using System.Diagnostics.Metrics;
using WebHooks.Delivery;
using WebHooks.Storage;

namespace WebHooks.Observability;

/// <summary>
/// The service's metrics (spec 11), on <see cref="System.Diagnostics.Metrics"/>: the engine only counts, the host
/// chooses the exporter (Prometheus at <c>GET /metrics</c>). Labels never carry an account, a URL or an id: only the
/// event name, the outcome of an attempt, the reason of a deactivation and the state of a webhook, each a handful of
/// fixed values, so that the number of series stays constant however many customers there are.
/// </summary>
/// <remarks>
/// The hot paths (publish, attempt) only add to counters and a histogram. The gauges that need the store (the age of
/// the oldest undelivered event, the webhooks by state) are read when a scrape asks: the host calls
/// <see cref="RefreshGaugesAsync"/> before the exporter collects, and the gauges report what it read.
/// </remarks>
public sealed class WebHooksMeter
{
    public const string MeterName = "WebHooks";

    /// <summary>Seconds; an attempt's timeout is 10 s by default.</summary>
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private static readonly KeyValuePair<string, object?> Success = new("outcome", "success");
    private static readonly KeyValuePair<string, object?> Failure = new("outcome", "failure");
    private static readonly KeyValuePair<string, object?> Gone = new("outcome", "gone");

    private readonly Counter<long> _published;
    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _deactivations;
    private readonly IWebHooksStorage _storage;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile Gauges _gauges = new(0, 0, 0);
    private volatile DeliverySlots? _slots;

    public WebHooksMeter(IMeterFactory meterFactory, IWebHooksStorage storage, TimeProvider time)
    {
        _storage = storage;
        _time = time;
        var meter = meterFactory.Create(MeterName);
        _published = meter.CreateCounter<long>("webhooks.events.published", "{event}",
            "Events accepted by POST /api/events (and the command line), by event name; repeats of an idempotency key are not counted.");
        _attempts = meter.CreateCounter<long>("webhooks.delivery.attempts", "{attempt}",
            "Delivery attempts, by outcome: success (2xx), failure (anything else), gone (410).");
        _duration = meter.CreateHistogram("webhooks.delivery.duration", "s",
            "How long a delivery attempt took, by outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _deactivations = meter.CreateCounter<long>("webhooks.deactivations", "{webhook}",
            "Webhooks deactivated, by reason: failures (too many in a row) or gone (410).");
        meter.CreateObservableGauge("webhooks.oldest_undelivered_event.age", () => _gauges.OldestAgeSeconds, "s",
            "Age of the oldest event still waiting for an active webhook; 0 when none waits.");
        meter.CreateObservableGauge("webhooks.registered", () => new Measurement<long>[]
        {
            new(_gauges.Active, new KeyValuePair<string, object?>("state", "active")),
            new(_gauges.Deactivated, new KeyValuePair<string, object?>("state", "deactivated")),
        }, "{webhook}", "Webhooks, by state: active or deactivated.");
        meter.CreateObservableGauge("webhooks.delivery.slots.limit", () => _slots?.Limit ?? 0, "{attempt}",
            "Delivery attempts allowed in flight now: WebHooks:Delivery:MaxConcurrency, or fewer while deliveries make way for publishes.");
        meter.CreateObservableGauge("webhooks.delivery.in_flight", () => _slots?.InUse ?? 0, "{attempt}",
            "Delivery attempts in flight now.");

        // Every series exists from the start (at 0), so that a rate or an alert needs no first event to see it.
        foreach (var name in EventNames.All) _published.Add(0, new KeyValuePair<string, object?>("event", name));
        foreach (var outcome in new[] { Success, Failure, Gone }) _attempts.Add(0, outcome);
        _deactivations.Add(0, new KeyValuePair<string, object?>("reason", "failures"));
        _deactivations.Add(0, new KeyValuePair<string, object?>("reason", "gone"));
    }

    public void Published(string eventName) => _published.Add(1, new KeyValuePair<string, object?>("event", EventNames.IsKnown(eventName) ? eventName : "other"));

    public void Attempted(AttemptOutcome outcome, TimeSpan duration)
    {
        var tag = outcome switch { AttemptOutcome.Delivered => Success, AttemptOutcome.Gone => Gone, _ => Failure };
        _attempts.Add(1, tag);
        _duration.Record(duration.TotalSeconds, tag);
    }

    /// <summary>The delivery loop's slots, which the slot gauges report on (0 until then).</summary>
    public void Observe(DeliverySlots slots) => _slots = slots;

    public void Deactivated(bool gone) => _deactivations.Add(1, new KeyValuePair<string, object?>("reason", gone ? "gone" : "failures"));

    /// <summary>Reads what the gauges report from the store; one read at a time (scrapes that arrive meanwhile share it).</summary>
    public async Task RefreshGaugesAsync(CancellationToken cancellationToken = default)
    {
        if (!await _refreshing.WaitAsync(0, cancellationToken))
        {
            await _refreshing.WaitAsync(cancellationToken); // another scrape reads now: its values are fresh enough
            _refreshing.Release();
            return;
        }
        try
        {
            var counts = await _storage.WebHooks.CountAsync(cancellationToken);
            var oldest = await _storage.Maintenance.OldestUndeliveredAsync(cancellationToken);
            var age = oldest is { } published ? Math.Max(0, (_time.GetUtcNow().UtcDateTime - published).TotalSeconds) : 0;
            _gauges = new Gauges(age, counts.Active, counts.Deactivated);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private sealed record Gauges(double OldestAgeSeconds, long Active, long Deactivated);
}
