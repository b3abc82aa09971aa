using System.Diagnostics;
using WebHooks.Bench;
using static WebHooks.Bench.Report;

// The benchmark of issue 3: see bench/README.md. Standard output is the Markdown table; progress goes to standard error.
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

await using var receiver = await Receiver.StartAsync();
using var hanging = new HangingReceiver();
try
{
    var accounts = Seeding.Accounts(options.WebHooks);
    var serviceSettings = new[]
    {
        $"--WebHooks:Delivery:MaxConcurrency={options.MaxConcurrency}",
        "--WebHooks:Delivery:MaxConcurrencyPerWebHook=1",
        $"--WebHooks:Delivery:Timeout={options.DeliveryTimeout:c}",
    };
    Log.Line($"{(options.Quick ? "quick run" : "full run")}: {options.Events:N0} events, {options.WebHooks} webhooks, time limit {options.TimeLimit.TotalMinutes:0} min; work folder {root}");
    Log.Line($"receiver {receiver.BaseUrl}, hanging receiver port {hanging.Port}");

    Log.Line($"creating {accounts.Count} accounts in a template database");
    var template = Path.Combine(root, "template", "webhooks.db");
    await Seeding.CreateTemplateAsync(template, accounts);

    // (a) the limit
    Log.Line($"(a) {options.Events:N0} POSTs straight to the receiver, {options.Concurrency} concurrent");
    var a = await Phases.LimitAsync(receiver, options, token);
    report.Row("a", $"limit: plain HttpClient → local receiver, {options.Concurrency} concurrent (the service's: 1 per webhook × {options.WebHooks}, max {options.MaxConcurrency}), {options.Events:N0} POSTs",
        $"{N(a.PerSecond)} events/s");
    report.Cpu("(a)", a.Cpu);

    // (b) end to end, then (c) latency on the same service, then (e) its memory and file
    Throughput b;
    {
        var dir = Path.Combine(root, "b-c");
        Seeding.CopyTemplate(template, dir);
        Log.Line("(b) starting the service");
        await using var service = await ServiceChild.StartAsync(dir, serviceSettings, TimeSpan.FromSeconds(60));
        using var api = new ServiceApi(service.BaseUrl, accounts);
        await Phases.CreateWebHooksAsync(api, receiver, null, options, token);
        var bytesBefore = service.DatabaseBytes;

        Log.Line($"(b) warm-up: {options.Warmup:N0} events");
        var warm = await Phases.EndToEndAsync(api, receiver, service, options.Warmup, options.WarmupCap, options, "(b) warm-up", token);
        Log.Line($"(b) {options.Events:N0} events by {options.Publishers} publishers");
        b = await Phases.EndToEndAsync(api, receiver, service, options.Events, options.ThroughputCap, options, "(b)", token);
        var ratio = b.PerSecond / a.PerSecond;
        report.Row("b", $"end to end: {options.Events:N0} events via POST /api/events ({options.Publishers} concurrent publishers) → {options.WebHooks} webhooks ({options.WebHooks} accounts × 1 webhook, events round-robin = {options.Events:N0} deliveries), first publish → last receipt",
            $"{N(b.PerSecond)} events/s{b.Incomplete}");
        report.Row("b/a", "end to end as a share of the limit", N(ratio, "0.00"), "≥ 0.5", ratio >= 0.5);
        report.Note($"(b) the intake acknowledged {N(b.PublishPerSecond)} events/s ({b.Published:N0} in {N(b.PublishSeconds, "0.0")} s), {b.Received:N0} received in {N(b.Seconds, "0.0")} s; duplicates received: {b.Duplicates}");
        report.Cpu("(b)", b.Cpu);

        Log.Line($"(c) {options.Rate} events/s for {options.LatencySeconds} s");
        var c = await Phases.LatencyAsync(api, receiver, service, options.LatencyCap, options, token);
        report.Row("c", $"latency publish → receipt at {options.Rate} events/s for {options.LatencySeconds} s ({c.Events:N0} events, achieved {N(c.AchievedRate)}/s): p50 / p95 / p99",
            $"{Ms(c.P50)} / {Ms(c.P95)} / {Ms(c.P99)} ms", "p99 ≤ 50 ms", c.P99 <= 50);
        report.Note($"(c) {c.Received:N0} of {c.Events:N0} events received" + (c.Received < c.Events ? " (the rest count as infinitely late: \"never\")" : "") +
                    $"; max {Ms(c.Max)} ms" + (b.Received < b.Published ? "; (b) was still being delivered, so (c) waited behind its backlog" : ""));
        report.Cpu("(c)", c.Cpu);

        var delivered = warm.Received + b.Received + c.Received;
        var bytesAfter = service.DatabaseBytes;
        report.Row("e", "peak working set of the service (VmHWM) over (b) and (c)", Mb(service.PeakWorkingSet));
        report.Row("e", $"LiteDB data + log file growth per 10,000 delivered events ({delivered:N0} delivered: {Mb(bytesBefore)} → {Mb(bytesAfter)})",
            Mb((long)((bytesAfter - bytesBefore) * 10_000.0 / delivered)));
        Log.Line("(b) stopping the service");
    }

    // (d) isolation: (b) again with hanging webhooks beside the healthy ones
    {
        var dir = Path.Combine(root, "d");
        Seeding.CopyTemplate(template, dir);
        Log.Line("(d) starting the service");
        await using var service = await ServiceChild.StartAsync(dir, serviceSettings, TimeSpan.FromSeconds(60));
        using var api = new ServiceApi(service.BaseUrl, accounts);
        await Phases.CreateWebHooksAsync(api, receiver, hanging, options, token);
        Log.Line($"(d) warm-up: {options.Warmup:N0} events");
        await Phases.EndToEndAsync(api, receiver, service, options.Warmup, options.WarmupCap, options, "(d) warm-up", token);
        Log.Line($"(d) {options.Events:N0} events, {options.Hanging} hanging webhooks");
        var d = await Phases.EndToEndAsync(api, receiver, service, options.Events, options.ThroughputCap, options, "(d)", token);
        var ratio = d.PerSecond / b.PerSecond;
        report.Row("d", $"isolation: (b) again plus {options.Hanging} webhooks (2nd webhook of {options.Hanging} of the accounts, same events) on a receiver that accepts and never answers (timeout {options.DeliveryTimeout.TotalSeconds:0} s); healthy deliveries",
            $"{N(d.PerSecond)} events/s{d.Incomplete}");
        report.Row("d/b", "healthy throughput with hanging webhooks as a share of (b)", N(ratio, "0.00"), "≥ 0.9", ratio >= 0.9);
        report.Row("e", "peak working set of the service (VmHWM) in (d)", Mb(service.PeakWorkingSet));
        report.Note($"(d) the intake acknowledged {N(d.PublishPerSecond)} events/s ({d.Published:N0} in {N(d.PublishSeconds, "0.0")} s), {d.Received:N0} received in {N(d.Seconds, "0.0")} s; the hanging receiver got {hanging.Connections} connections; duplicates received: {d.Duplicates}");
        report.Cpu("(d)", d.Cpu);
        Log.Line("(d) stopping the service");
    }
}
catch (Exception e) when (e is BenchException or OperationCanceledException)
{
    var why = e is OperationCanceledException ? $"gave up at the time limit of {options.TimeLimit.TotalMinutes:0} min (--time-limit)" : e.Message;
    Log.Line("FAILED: " + why);
    report.Note("FAILED: " + why);
    exitCode = 1;
}

report.Note($"{Environment.ProcessorCount} cores; data of each event {Payload.TypicalDataBytes} bytes; service and bench (publishers + receiver) share the machine; " +
            $"run took {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s{(options.Quick ? " (--quick: a smoke test, not a measurement)" : "")}");
Console.Out.Write(report.ToMarkdown());

if (options.Keep || exitCode != 0) Log.Line($"kept {root} (databases, service logs)");
else
{
    try { Directory.Delete(root, recursive: true); }
    catch (IOException) { }
}
return exitCode;

static string Ms(double ms) => double.IsPositiveInfinity(ms) ? "never" : N(ms, "0.0");
