using System.Net;
using System.Text.Json;
using WebHooks.Tests.Demo;
using WebHooks.Tests.Interop;
using WebHooks.Tests.Lifecycle;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Observability;

/// <summary>
/// <c>GET /metrics</c> (spec 11) scraped from the real service and parsed by Prometheus' own Python client (an external
/// program, Debian's python3-prometheus-client): the counters move as events are published, delivered, fail and
/// deactivate their webhooks; the gauges report the webhooks by state and the oldest undelivered event; and no label
/// carries an account, a URL or an id.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class MetricsTests
{
    private const string Account = "metrics-shop";
    private const string Password = "metrics-pw";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>The label names the service may use, all of them fixed sets of values; the rest are OpenTelemetry's own.</summary>
    private static readonly HashSet<string> AllowedLabels =
    [
        "event", "outcome", "reason", "state", "le", "otel_scope_name", "otel_scope_version",
        "service_name", "service_version", "telemetry_sdk_name", "telemetry_sdk_language", "telemetry_sdk_version",
    ];

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Counters_move_with_publishing_delivery_failure_and_deactivation_and_no_label_names_a_customer()
    {
        await using var host = await ServiceHost.StartAsync(settings: new Dictionary<string, string>
        {
            ["WebHooks:Delivery:RetrySchedule:0"] = "00:00:00.050",
            ["WebHooks:Delivery:DeactivateAfterFailures"] = "2",
        });
        await host.AddAccountAsync(Account, Password);
        await using var healthy = await TestReceiver.StartAsync();
        await using var gone = await TestReceiver.StartAsync();
        gone.DefaultResponse = new ReceiverResponse(410);
        var deadUrl = $"http://127.0.0.1:{ExternalTools.FreePort()}/dead"; // nothing listens: every attempt fails

        var before = await ScrapeAsync(host);
        Assert.AreEqual(0, before.Value("webhooks_deactivations_total", ("reason", "gone")), "every series exists from the start");

        var healthyId = await Api.CreateWebHookAsync(host.Http, healthy.Url("/ok"), "optin_finalized", Account, Password);
        var goneId = await Api.CreateWebHookAsync(host.Http, gone.Url("/gone"), "optout_finalized", Account, Password);
        var deadId = await Api.CreateWebHookAsync(host.Http, deadUrl, "profilemanager_finalized", Account, Password);
        var eventIds = new List<string>
        {
            await Api.PublishAsync(host.Http, "optin_finalized", new { n = 1 }, Account, Password),
            await Api.PublishAsync(host.Http, "optin_finalized", new { n = 2 }, Account, Password),
            await Api.PublishAsync(host.Http, "optout_finalized", new { n = 3 }, Account, Password),
            await Api.PublishAsync(host.Http, "profilemanager_finalized", new { n = 4 }, Account, Password),
        };
        await healthy.WaitForRequestsAsync(2, Deadline);
        await Api.EventuallyAsync(async () => (await Api.GetWebHookAsync(host.Http, goneId, Account, Password)).GetProperty("active").GetInt32() == 0, Deadline, "410 deactivates");
        await Api.EventuallyAsync(async () => (await Api.GetWebHookAsync(host.Http, deadId, Account, Password)).GetProperty("active").GetInt32() == 0, Deadline, "failures deactivate");

        // A counter moves just after what it counts: an attempt once its answer is read (after the receiver saw it), a
        // deactivation once it is stored (after GetWebHooks can see it). Scrape until the last of them have moved.
        var after = before;
        await Api.EventuallyAsync(async () =>
        {
            after = await ScrapeAsync(host);
            return Delta("webhooks_delivery_attempts_total", ("outcome", "success")) >= 2
                && Delta("webhooks_deactivations_total", ("reason", "gone")) >= 1 && Delta("webhooks_deactivations_total", ("reason", "failures")) >= 1;
        }, Deadline, "the last deliveries and deactivations counted");
        TestContext.WriteLine(after.Text);

        // A histogram's series appear with its first measurement: absent before means 0.
        double Delta(string name, params (string, string)[] labels) => after.Value(name, labels) - (before.Has(name, labels) ? before.Value(name, labels) : 0);
        Assert.AreEqual(2, Delta("webhooks_events_published_total", ("event", "optin_finalized")), "published, by event");
        Assert.AreEqual(1, Delta("webhooks_events_published_total", ("event", "optout_finalized")));
        Assert.AreEqual(1, Delta("webhooks_events_published_total", ("event", "profilemanager_finalized")));
        Assert.AreEqual(2, Delta("webhooks_delivery_attempts_total", ("outcome", "success")), "delivered");
        Assert.AreEqual(1, Delta("webhooks_delivery_attempts_total", ("outcome", "gone")));
        Assert.AreEqual(2, Delta("webhooks_delivery_attempts_total", ("outcome", "failure")), "failed twice, then deactivated");
        Assert.AreEqual(1, Delta("webhooks_deactivations_total", ("reason", "gone")));
        Assert.AreEqual(1, Delta("webhooks_deactivations_total", ("reason", "failures")));
        Assert.AreEqual(5, Delta("webhooks_delivery_duration_seconds_count", ("outcome", "success")) + Delta("webhooks_delivery_duration_seconds_count", ("outcome", "gone"))
                           + Delta("webhooks_delivery_duration_seconds_count", ("outcome", "failure")), "every attempt's duration is in the histogram");
        Assert.AreEqual(after.Value("webhooks_delivery_duration_seconds_count", ("outcome", "success")),
            after.Value("webhooks_delivery_duration_seconds_bucket", ("outcome", "success"), ("le", "+Inf")));
        Assert.AreEqual("histogram", after.Type("webhooks_delivery_duration_seconds"));
        Assert.AreEqual(1, after.Value("webhooks_registered", ("state", "active")), "the healthy one");
        Assert.AreEqual(2, after.Value("webhooks_registered", ("state", "deactivated")));
        Assert.AreEqual("gauge", after.Type("webhooks_oldest_undelivered_event_age_seconds"));
        // The gauge reads the lanes' stored progress, which a lane saves within a moment of its deliveries.
        await Api.EventuallyAsync(async () => (await ScrapeAsync(host)).Value("webhooks_oldest_undelivered_event_age_seconds") == 0, Deadline,
            "nothing waits for an active webhook");

        // No label names a customer: only the allowed label names, and no value holds the account, a URL, a host or an id.
        var forbidden = new List<string> { Account, "http", "127.0.0.1", "evt_", healthy.BaseAddress.Authority, gone.BaseAddress.Authority };
        forbidden.AddRange(eventIds);
        foreach (var sample in after.Samples)
        {
            foreach (var (name, value) in sample.Labels)
            {
                Assert.Contains(name, AllowedLabels, $"label {name} of {sample.Name}");
                foreach (var word in forbidden)
                    Assert.IsFalse(value.Contains(word, StringComparison.OrdinalIgnoreCase), $"{sample.Name}{{{name}=\"{value}\"}} names {word}");
                if (name != "le" && name != "service_version" && name != "telemetry_sdk_version")
                    Assert.IsFalse(new[] { healthyId, goneId, deadId }.Any(id => value == id.ToString()), $"{sample.Name}{{{name}}} is a webhook id");
            }
        }
    }

    [TestMethod]
    public async Task The_age_of_the_oldest_undelivered_event_grows_while_a_webhook_waits()
    {
        await using var host = await ServiceHost.StartAsync();
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Enqueue(new ReceiverResponse(503)); // the first attempt fails; the retry waits 5 s
        await Api.CreateWebHookAsync(host.Http, receiver.Url());
        await Api.PublishAsync(host.Http, "optin_finalized", new { n = 1 });
        await receiver.WaitForRequestsAsync(1, Deadline);

        var first = (await ScrapeAsync(host)).Value("webhooks_oldest_undelivered_event_age_seconds");
        await Api.EventuallyAsync(async () => (await ScrapeAsync(host)).Value("webhooks_oldest_undelivered_event_age_seconds") > first + 0.5,
            Deadline, "the age grows");
        Assert.IsGreaterThan(0, first);
    }

    [TestMethod]
    public async Task The_delivery_slots_report_their_limit_and_the_attempts_in_flight()
    {
        await using var receiver = await TestReceiver.StartAsync();
        receiver.DefaultResponse = new ReceiverResponse { Delay = TimeSpan.FromSeconds(30) }; // answers after the 10 s timeout
        await using var host = await ServiceHost.StartAsync(settings: new Dictionary<string, string>
        {
            ["WebHooks:Delivery:MaxConcurrency"] = "12",
        });
        var idle = await ScrapeAsync(host);
        Assert.AreEqual(12, idle.Value("webhooks_delivery_slots_limit"), "the configured capacity");
        Assert.AreEqual(0, idle.Value("webhooks_delivery_in_flight"));

        for (var i = 0; i < 3; i++) await Api.CreateWebHookAsync(host.Http, receiver.Url($"/slow/{i}"));
        await Api.PublishAsync(host.Http, "optin_finalized", new { n = 1 });
        await receiver.WaitForRequestsAsync(3, Deadline);

        // Once publishes stop, deliveries have every slot again, whatever the publishes found.
        var scrape = idle;
        await Api.EventuallyAsync(async () =>
        {
            scrape = await ScrapeAsync(host);
            return scrape.Value("webhooks_delivery_in_flight") == 3 && scrape.Value("webhooks_delivery_slots_limit") == 12;
        }, Deadline, "three attempts in flight under the whole limit");
        Assert.AreEqual("gauge", scrape.Type("webhooks_delivery_slots_limit"));
    }

    private sealed record Sample(string Name, Dictionary<string, string> Labels, double Value);

    private sealed record Scrape(string Text, Dictionary<string, string> Types, List<Sample> Samples)
    {
        public double Value(string name, params (string Name, string Value)[] labels)
        {
            var matches = Samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Name) == l.Value)).ToList();
            Assert.HasCount(1, matches, $"{name} {string.Join(",", labels)} in:\n{Text}");
            return matches[0].Value;
        }

        public bool Has(string name, params (string Name, string Value)[] labels) =>
            Samples.Any(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Name) == l.Value));

        public string Type(string family) => Types.GetValueOrDefault(family) ?? throw new AssertFailedException($"no family {family}");
    }

    private static async Task<Scrape> ScrapeAsync(ServiceHost host)
    {
        using var response = await host.Http.GetAsync("metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, text);
        Assert.AreEqual("text/plain", response.Content.Headers.ContentType?.MediaType);

        ExternalProgram.RequireFile(Clients.SystemPython, "apt-get install -y python3");
        var check = await ExternalProgram.RunAsync(Clients.SystemPython, ["-c", "import prometheus_client"], TimeSpan.FromSeconds(30));
        ExternalProgram.Require(check.ExitCode == 0, "prometheus_client for /usr/bin/python3", "apt-get install -y python3-prometheus-client");
        var script = Path.Combine(Clients.RepositoryRoot, "tests", "WebHooks.Tests", "Observability", "parse_metrics.py");
        var run = await Clients.RunAsync(Clients.SystemPython, [script], standardInput: text);
        Assert.AreEqual(0, run.ExitCode, $"the Prometheus parser rejects the scrape: {run.Describe()}\n{text}");
        using var json = JsonDocument.Parse(run.StandardOutput);
        var types = json.RootElement.GetProperty("families").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("type").GetString()!);
        var samples = json.RootElement.GetProperty("samples").EnumerateArray().Select(s => new Sample(
            s.GetProperty("name").GetString()!,
            s.GetProperty("labels").EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString()!),
            s.GetProperty("value").GetDouble())).ToList();
        return new Scrape(text, types, samples);
    }
}
