using System.Diagnostics;
using WebHooks.Bench;
using static WebHooks.Bench.Report;

// The benchmark: see bench/README.md. Standard output is the Markdown table; progress goes to standard error.
Options options;
try { options = Options.Parse(args); }
catch (BenchException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var root = Path.Combine(Path.GetTempPath(), $"webhooks-bench-{Environment.ProcessId}");
Directory.CreateDirectory(root);
var report = new Report();
using var limit = new CancellationTokenSource(options.TimeLimit);
var token = limit.Token;
var exitCode = 0;
var started = Stopwatch.GetTimestamp();

using var receiver = new Receiver();
using var hanging = new HangingReceiver();
PostgresServer? postgres = null;
try
{
    var runSettings = new[]
    {
        $"--WebHooks:Delivery:MaxConcurrency={options.MaxConcurrency}",
        "--WebHooks:Delivery:MaxConcurrencyPerWebHook=1",
        $"--WebHooks:Delivery:Timeout={options.DeliveryTimeout:c}",
    };
    Log.Line($"{(options.Quick ? "quick run" : "full run")}: {options.Events:N0} events, {options.WebHooks} webhooks, {options.Buffered:N0} buffered, time limit {options.TimeLimit.TotalMinutes:0} min; work folder {root}");
    Log.Line($"receiver {receiver.BaseUrl}, hanging receiver port {hanging.Port}");
    var seeding = await Seeding.CreateAsync(options.WebHooks);
    var accounts = seeding.Credentials;

    // Several instances share these two cores, so their thread pools' idle workers block at once instead of
    // spinning for work (README, "Running several instances": several instances on one machine).
    var sharedCores = new Dictionary<string, string> { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0" };

    // Starts a service run: its storage prepared with the accounts, then `instances` service processes on it.
    async Task<Services> StartAsync(string name, string? database, int instances = 1, params string[] extra)
    {
        var dir = Path.Combine(root, name);
        var storage = await seeding.PrepareAsync(dir, database);
        var started = new List<ServiceChild>();
        try
        {
            for (var i = 0; i < instances; i++)
                started.Add(await ServiceChild.StartAsync(dir, [.. storage, .. runSettings, .. extra], TimeSpan.FromSeconds(60), $"service-{i}.log",
                    instances > 1 ? sharedCores : null));
        }
        catch
        {
            foreach (var s in started) await s.DisposeAsync();
            throw;
        }
        return new Services(started, accounts, options.HttpClientPublishers);
    }

    // The bench's own publishing code (the publishers', and the HttpClient's of (c)) is warmed against the receiver, so
    // that (k) measures the service's cold start only.
    using (var self = new ServiceApi(receiver.BaseUrl, accounts, options.HttpClientPublishers))
    {
        await self.PublishManyAsync(2_000, options.Publishers, i => i % accounts.Count, 0, null, token);
        await Task.WhenAll(Enumerable.Range(0, options.Publishers).Select(async p => { for (var i = p; i < 2_000; i += options.Publishers) await self.PublishAsync(i % accounts.Count, i, token); }));
    }

    // (a) the limit
    Log.Line($"(a) {options.Events:N0} POSTs straight to the receiver, {options.Concurrency} concurrent");
    var a = await Phases.LimitAsync(receiver, options, token);
    report.Row("a", $"limit: plain HttpClient → local receiver, {options.Concurrency} concurrent (the service's: 1 per webhook × {options.WebHooks}, max {options.MaxConcurrency}), {options.Events:N0} POSTs",
        $"{N(a.PerSecond)} events/s");
    report.Cpu("(a)", a.Cpu);
    Log.Line($"(a1) {options.Events:N0} POSTs straight to the receiver, one at a time");
    var a1 = await Phases.LimitAsync(receiver, options, token, inOrder: true);
    report.Row("a1", $"limit in order: plain HttpClient → local receiver, one POST at a time to one path (one webhook's events, in order), {options.Events:N0} POSTs",
        $"{N(a1.PerSecond)} events/s");
    report.Cpu("(a1)", a1.Cpu);

    // Rows b, c, d (and b/a, d/b) on one storage: LiteDB, or PostgreSQL with 1 or 3 instances.
    async Task<Throughput> MainRowsAsync(string prefix, string label, string? database, int instances, double endToEndTarget, double p99Target, bool withBursts)
    {
        Throughput b;
        {
            Log.Line($"{prefix}b starting {instances} service(s) on {label}");
            await using var services = await StartAsync(prefix + "b-c", database, instances);
            var api = services.Api;
            await Phases.CreateWebHooksAsync(api, receiver, null, options, token);
            Throughput? cold = null;
            if (withBursts)
            {
                Log.Line($"(k) cold burst: {options.Burst:N0} events right after the start");
                cold = await Phases.EndToEndAsync(api, receiver, services.First, options.Burst, options.WarmupCap, options, "(k) cold", token);
            }
            var bytesBefore = services.First.DatabaseBytes;
            Log.Line($"{prefix}b warm-up: {options.Warmup:N0} events");
            var warm = await Phases.EndToEndAsync(api, receiver, services.First, options.Warmup, options.WarmupCap, options, $"({prefix}b) warm-up", token);
            Log.Line($"{prefix}b {options.Events:N0} events by {options.Publishers} publishers");
            b = await Phases.EndToEndAsync(api, receiver, services.First, options.Events, options.ThroughputCap, options, $"({prefix}b)", token);
            var ratio = b.PerSecond / a.PerSecond;
            report.Row(prefix + "b", $"{label}: end to end, {options.Events:N0} events via POST /api/events ({options.Publishers} concurrent publishers{(instances > 1 ? $", round-robin over the {instances} instances" : "")}) → {options.WebHooks} accounts × 1 webhook, first publish → last receipt",
                $"{N(b.PerSecond)} events/s{b.Incomplete}");
            report.Row(prefix + "b/a", $"{label}: end to end as a share of the limit (a)", N(ratio, "0.00"), $"≥ {endToEndTarget:0.0#}{(prefix == "" ? " (quiet machine)" : "")}", ratio >= endToEndTarget);
            if (prefix == "")
                report.Row("b intake", "LiteDB: the intake of (b), events acknowledged per second while publishing (fan-out 1 over 50 accounts)", $"{N(b.PublishPerSecond)} events/s", "≥ 5,000", b.PublishPerSecond >= 5_000);
            report.Note($"({prefix}b) the intake acknowledged {N(b.PublishPerSecond)} events/s ({b.Published:N0} in {N(b.PublishSeconds, "0.0")} s), {b.Received:N0} received in {N(b.Seconds, "0.0")} s; duplicates received: {b.Duplicates}, out of order: {b.OutOfOrder}");
            report.Cpu($"({prefix}b){(instances > 1 ? ", first instance only" : "")}", b.Cpu, instances == 1 ? b.Received : 0);

            Log.Line($"{prefix}c {options.Rate} events/s for {options.LatencySeconds} s");
            var c = await Phases.LatencyAsync(api, receiver, services.First, options.LatencyCap, options, token);
            report.Row(prefix + "c", $"{label}: latency publish → receipt at {options.Rate} events/s for {options.LatencySeconds} s ({c.Events:N0} events, achieved {N(c.AchievedRate)}/s): p50 / p95 / p99",
                $"{Ms(c.P50)} / {Ms(c.P95)} / {Ms(c.P99)} ms", $"p99 ≤ {p99Target:0} ms", c.P99 <= p99Target);
            report.Note($"({prefix}c) {c.Received:N0} of {c.Events:N0} events received" + (c.Received < c.Events ? " (the rest count as infinitely late: \"never\")" : "") + $"; max {Ms(c.Max)} ms");
            report.Cpu($"({prefix}c){(instances > 1 ? ", first instance only" : "")}", c.Cpu, instances == 1 ? c.Received : 0);

            if (cold is not null)
            {
                Log.Line($"(k) warm burst: {options.Burst:N0} events");
                var warmBurst = await Phases.EndToEndAsync(api, receiver, services.First, options.Burst, options.WarmupCap, options, "(k) warm", token);
                var share = cold.PublishPerSecond / warmBurst.PublishPerSecond;
                report.Row("k", $"{label}: intake of the first {options.Burst:N0}-event burst right after start (cold) / of the same burst after (b) and (c) (warm)",
                    $"{N(cold.PublishPerSecond)} / {N(warmBurst.PublishPerSecond)} events/s");
                report.Row("k cold/warm", "cold intake as a share of warm", N(share, "0.00"), "≥ 0.5", share >= 0.5);
                report.Cpu("(k) cold burst", cold.Cpu, cold.Received);
                report.Cpu("(k) warm burst", warmBurst.Cpu, warmBurst.Received);
            }

            var delivered = warm.Received + b.Received + c.Received;
            report.Row(prefix + "e", $"{label}: peak working set of the service{(instances > 1 ? "s (largest)" : "")} (VmHWM) after (b) and (c)", Mb(services.All.Max(s => s.PeakWorkingSet)));
            if (database is null)
            {
                var bytesAfter = services.First.DatabaseBytes;
                report.Row("e", $"LiteDB data + log file growth per 10,000 delivered events ({delivered:N0} delivered: {Mb(bytesBefore)} → {Mb(bytesAfter)})",
                    Mb((long)((bytesAfter - bytesBefore) * 10_000.0 / delivered)));
            }
            if (prefix == "")
            {
                Log.Line($"b wide: {options.Events:N0} events by {options.WidePublishers} publishers");
                var wide = await Phases.EndToEndAsync(api, receiver, services.First, options.Events, options.ThroughputCap, options, "(b wide)", token, publishers: options.WidePublishers);
                report.Row("b intake wide", $"LiteDB: (b) again on the same service, by {options.WidePublishers} concurrent publishers: events acknowledged per second while publishing{wide.Incomplete}",
                    $"{N(wide.PublishPerSecond)} events/s", "≥ 5,000", wide.PublishPerSecond >= 5_000);
                report.Note($"(b wide) {wide.Received:N0} received in {N(wide.Seconds, "0.0")} s ({N(wide.PerSecond)} events/s end to end); duplicates received: {wide.Duplicates}, out of order: {wide.OutOfOrder}");
                report.Cpu("(b wide)", wide.Cpu, wide.Received);
            }
            Log.Line($"{prefix}b stopping");
        }
        {
            Log.Line($"{prefix}d starting {instances} service(s) on {label}");
            await using var services = await StartAsync(prefix + "d", database, instances);
            var connections = hanging.Connections;
            await Phases.CreateWebHooksAsync(services.Api, receiver, hanging, options, token);
            Log.Line($"{prefix}d warm-up: {options.Warmup:N0} events");
            await Phases.EndToEndAsync(services.Api, receiver, services.First, options.Warmup, options.WarmupCap, options, $"({prefix}d) warm-up", token);
            Log.Line($"{prefix}d {options.Events:N0} events, {options.Hanging} hanging webhooks");
            var d = await Phases.EndToEndAsync(services.Api, receiver, services.First, options.Events, options.ThroughputCap, options, $"({prefix}d)", token);
            var ratio = d.PerSecond / b.PerSecond;
            report.Row(prefix + "d", $"{label}: isolation, ({prefix}b) again plus {options.Hanging} webhooks (2nd webhook of {options.Hanging} of the accounts, same events) on a receiver that never answers (timeout {options.DeliveryTimeout.TotalSeconds:0} s); healthy deliveries",
                $"{N(d.PerSecond)} events/s{d.Incomplete}");
            report.Row(prefix + "d/b", $"{label}: healthy throughput with hanging webhooks as a share of ({prefix}b)", N(ratio, "0.00"), "≥ 0.95", ratio >= 0.95);
            report.Note($"({prefix}d) the intake acknowledged {N(d.PublishPerSecond)} events/s, {d.Received:N0} received in {N(d.Seconds, "0.0")} s; the hanging receiver got {hanging.Connections - connections} connections since its webhooks were created; duplicates received: {d.Duplicates}; peak working set {Mb(services.All.Max(s => s.PeakWorkingSet))}");
            report.Cpu($"({prefix}d){(instances > 1 ? ", first instance only" : "")}", d.Cpu, instances == 1 ? d.Received : 0);
        }
        return b;
    }

    Throughput? liteB = null;
    if (options.Runs("lite")) liteB = await MainRowsAsync("", "LiteDB", null, 1, 0.7, 10, withBursts: true);

    if (options.Runs("fanout"))
    {
        Log.Line($"(f) fan-out: one account, {options.WebHooks} webhooks on the event, {options.FanOutEvents:N0} events");
        await using var services = await StartAsync("f", null);
        await Phases.CreateWebHooksAsync(services.Api, receiver, null, options, token, fanOut: true);
        await Phases.EndToEndAsync(services.Api, receiver, services.First, Math.Max(1, options.Warmup / options.WebHooks * 4), options.WarmupCap, options, "(f) warm-up", token, options.WebHooks);
        var f = await Phases.EndToEndAsync(services.Api, receiver, services.First, options.FanOutEvents, options.ThroughputCap, options, "(f)", token, options.WebHooks);
        report.Row("f intake", $"LiteDB fan-out {options.WebHooks}: {options.FanOutEvents:N0} events of one account with {options.WebHooks} active webhooks on the event, intake while delivering (warm)",
            $"{N(f.PublishPerSecond)} events/s", "≥ 5,000", f.PublishPerSecond >= 5_000);
        var share = f.PerSecond / a.PerSecond;
        report.Row("f/a", $"LiteDB fan-out {options.WebHooks}: deliveries ({f.Events:N0}) per second, first publish → last receipt, as a share of the limit (a){f.Incomplete}",
            $"{N(f.PerSecond)} deliveries/s = {N(share, "0.00")}", "≥ 0.7 (quiet machine)", share >= 0.7);
        report.Note($"(f) duplicates received: {f.Duplicates}, out of order: {f.OutOfOrder}; peak working set {Mb(services.First.PeakWorkingSet)}");
        report.Cpu("(f)", f.Cpu, f.Received);
        Log.Line($"(f) wide: {options.FanOutEvents:N0} events by {options.WidePublishers} publishers");
        var wide = await Phases.EndToEndAsync(services.Api, receiver, services.First, options.FanOutEvents, options.ThroughputCap, options, "(f wide)", token, options.WebHooks, options.WidePublishers);
        report.Row("f intake wide", $"LiteDB fan-out {options.WebHooks}: (f) again on the same service, by {options.WidePublishers} concurrent publishers: intake while delivering{wide.Incomplete}",
            $"{N(wide.PublishPerSecond)} events/s", "≥ 5,000", wide.PublishPerSecond >= 5_000);
        report.Note($"(f wide) {N(wide.PerSecond)} deliveries/s = {N(wide.PerSecond / a.PerSecond, "0.00")} of (a); duplicates received: {wide.Duplicates}, out of order: {wide.OutOfOrder}");
        report.Cpu("(f wide)", wide.Cpu, wide.Received);
    }

    if (options.Runs("attempts") && liteB is not null)
    {
        Log.Line("(g) (b) again with WebHooks:Delivery:LogAttempts=false");
        await using var services = await StartAsync("g", null, 1, "--WebHooks:Delivery:LogAttempts=false");
        await Phases.CreateWebHooksAsync(services.Api, receiver, null, options, token);
        await Phases.EndToEndAsync(services.Api, receiver, services.First, options.Burst + options.Warmup, options.WarmupCap, options, "(g) warm-up", token);
        var g = await Phases.EndToEndAsync(services.Api, receiver, services.First, options.Events, options.ThroughputCap, options, "(g)", token);
        var share = liteB.PerSecond / g.PerSecond;
        report.Row("g", $"LiteDB: (b) without the attempt log (WebHooks:Delivery:LogAttempts=false){g.Incomplete}", $"{N(g.PerSecond)} events/s");
        report.Row("b/g", "LiteDB: end to end with the attempt log as a share of without it", N(share, "0.00"), "≥ 0.95 (within noise)", share >= 0.95);
        report.Cpu("(g)", g.Cpu, g.Received);
        report.Cpu("(b) again, to compare", liteB.Cpu, liteB.Received);
    }

    if (options.Runs("buffered"))
    {
        Log.Line($"(h) buffered: {options.Buffered:N0} events for a webhook deactivated by 410");
        await using var services = await StartAsync("h", null);
        var cap = TimeSpan.FromSeconds(60 + options.Buffered / 2_000);
        var h = await BufferedPhase.RunAsync(services.Api, receiver, services.First, options.Buffered, cap, options, token);
        report.Row("h intake", $"LiteDB: {h.Events:N0} events published ({options.Publishers} publishers) and buffered for a webhook deactivated by 410", $"{N(h.Intake.PublishPerSecond)} events/s", "≥ 9,000", h.Intake.PublishPerSecond >= 9_000);
        report.Row("h list", $"LiteDB: GetWebHooks with {h.BufferedReported:N0} buffered (first call / median of the next 5)", $"{N(h.GetWebHooksFirstMs, "0.0")} / {N(h.GetWebHooksMedianMs, "0.0")} ms", "≤ 50 ms", h.GetWebHooksFirstMs <= 50);
        report.Row("h activate", $"LiteDB: ActivateWebHook(replayEvents=1) with {h.Events:N0} buffered ({h.Replayed:N0} to replay)", $"{N(h.ActivateMs, "0.0")} ms", "≤ 100 ms", h.ActivateMs <= 100);
        var inOrder = h.OutOfOrder == 0 && h.Received == h.Events;
        report.Row("h replay", $"LiteDB: replay of {h.Events:N0} events, activation → last receipt ({h.Received:N0} received, {h.OutOfOrder} out of order, {h.Duplicates} duplicates)",
            $"{N(h.ReplayPerSecond)} events/s{(inOrder ? ", in order" : "")}", "≥ 9,000, in order", inOrder && h.ReplayPerSecond >= 9_000);
        var replayShare = h.ReplayPerSecond / a1.PerSecond;
        report.Row("h replay/a1", "LiteDB: the replay as a share of the limit in order (a1)", N(replayShare, "0.00"));
        report.Row("h memory", $"LiteDB: peak working set (VmHWM) over buffering + replay (before the replay: {Mb(h.PeakBeforeReplay)}; largest VmRSS sample during the replay {Mb(h.MaxRssDuringReplay)}; VmRSS after {Mb(h.RssAfter)})",
            Mb(h.PeakAfterReplay), "≤ 150 MB", h.PeakAfterReplay <= 150L * 1024 * 1024);
        report.Note($"(h) data + log file {Mb(h.DatabaseBytes)} after the replay");
        report.Cpu("(h) buffering", h.Intake.Cpu, h.Events);
        report.Cpu("(h) replay", h.ReplayCpu, h.Received);
    }

    // (h wide) after (h)'s service has stopped, on one of its own, so that (h memory) measures (h) alone.
    if (options.Runs("buffered"))
    {
        var events = options.Buffered;
        Log.Line($"(h wide) {events:N0} events by {options.WidePublishers} publishers for a webhook deactivated by 410, on a fresh service");
        await using var services = await StartAsync("h-wide", null);
        var wide = await BufferedPhase.WideIntakeAsync(services.Api, receiver, services.First, events, options, token);
        report.Row("h intake wide", $"LiteDB: (h)'s buffering on a fresh service, {events:N0} events by {options.WidePublishers} concurrent publishers", $"{N(wide.PublishPerSecond)} events/s", "≥ 9,000", wide.PublishPerSecond >= 9_000);
        report.Note($"(h wide) peak working set {Mb(services.First.PeakWorkingSet)}");
        report.Cpu("(h wide) buffering", wide.Cpu, events);
    }

    if (options.Runs("postgres"))
    {
        postgres = await PostgresServer.StartAsync(root, options.Postgres);
        if (postgres is null) report.Note("PostgreSQL rows skipped: no server (see the log)");
        else
        {
            await postgres.ResetStatementsAsync();
            var p1 = await MainRowsAsync("p1", "PostgreSQL, 1 instance", postgres.ConnectionString, 1, 0.4, 50, withBursts: false);
            foreach (var line in await postgres.TopStatementsAsync(5)) report.Note("(p1) PostgreSQL time: " + line);
            await postgres.ResetStatementsAsync();
            var p3 = await MainRowsAsync("p3", "PostgreSQL, 3 instances", postgres.ConnectionString, 3, 0.4, 50, withBursts: false);
            report.Note("(p3) the three instances ran with " + string.Join(", ", sharedCores.Select(v => $"{v.Key}={v.Value}")) + ", as the README advises for instances that share cores");
            foreach (var line in await postgres.TopStatementsAsync(5)) report.Note("(p3) PostgreSQL time: " + line);
            var share = p3.PerSecond / p1.PerSecond;
            report.Row("p3b/p1b", "PostgreSQL: end to end with 3 instances as a share of 1 instance (2 cores: no speed-up expected; no collapse)", N(share, "0.00"), "≥ 1.0", share >= 1.0);
        }
    }
}
catch (Exception e) when (e is BenchException or OperationCanceledException)
{
    var why = e is OperationCanceledException ? $"gave up at the time limit of {options.TimeLimit.TotalMinutes:0} min (--time-limit)" : e.Message;
    Log.Line("FAILED: " + why);
    report.Note("FAILED: " + why);
    exitCode = 1;
}
finally
{
    if (postgres is not null) await postgres.DisposeAsync();
}

report.Note($"{Environment.ProcessorCount} cores; data of each event {Payload.TypicalDataBytes} bytes; service and bench (publishers + receiver) share the machine; " +
            $"run took {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s{(options.Quick ? " (--quick: a smoke test, not a measurement)" : "")}");
Console.Out.Write(report.ToMarkdown());

if (options.Keep || exitCode != 0) Log.Line($"kept {root} (databases, service logs)");
else
{
    try { Directory.Delete(root, recursive: true); }
    catch (IOException) { }
    catch (UnauthorizedAccessException) { }
}
return exitCode;

static string Ms(double ms) => double.IsPositiveInfinity(ms) ? "never" : N(ms, "0.0");

/// <summary>One service run: one or more instances on the same storage.</summary>
internal sealed class Services(List<ServiceChild> all, IReadOnlyList<(string Name, string Password)> accounts, bool httpClientPublishers) : IAsyncDisposable
{
    public IReadOnlyList<ServiceChild> All => all;
    public ServiceChild First => all[0];
    public ServiceApi Api { get; } = new([.. all.Select(s => s.BaseUrl)], accounts, httpClientPublishers);

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        foreach (var service in all) await service.DisposeAsync();
    }
}
