using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace WebHooks.Bench;

/// <summary>A throughput measurement: events, seconds from the first send to the last receipt, and where the CPU went.</summary>
/// <remarks>When the phase's time cap ends it early, <see cref="Complete"/> is false and the figures are of what arrived by then.</remarks>
public sealed record Throughput(int Events, int Received, int Published, double Seconds, double PublishSeconds, int Duplicates, CpuUse Cpu)
{
    /// <summary>Receipts that came before an earlier event of the same webhook.</summary>
    public int OutOfOrder { get; init; }
    public bool Complete => Received == Events;
    public double PerSecond => Received / Seconds;
    /// <summary>Events acknowledged by the intake per second, while publishing.</summary>
    public double PublishPerSecond => Published / PublishSeconds;
    public string Incomplete => Complete ? "" : $" (INCOMPLETE: {Received:N0} of {Events:N0} received within the {Seconds:0} s cap)";
}

/// <summary>The latency measurement of (c).</summary>
public sealed record Latency(int Events, int Received, double AchievedRate, double P50, double P95, double P99, double Max, CpuUse Cpu);

/// <summary>
/// CPU seconds of the service and of the bench during a phase: each process's total, and by thread name (threads that
/// ended during the phase count in the total only).
/// </summary>
public sealed record CpuUse(
    double WallSeconds, double ServiceTotal, List<(string Thread, double Seconds)> Service, double BenchTotal, List<(string Thread, double Seconds)> Bench)
{
    public static Func<CpuUse> Start(int? servicePid)
    {
        var started = Stopwatch.GetTimestamp();
        var service = servicePid is { } pid ? Snapshot.Take(pid) : null;
        var bench = Snapshot.Take(Environment.ProcessId);
        return () =>
        {
            var (serviceTotal, serviceThreads) = service?.Since() ?? (0, []);
            var (benchTotal, benchThreads) = bench.Since();
            return new CpuUse(Stopwatch.GetElapsedTime(started).TotalSeconds, serviceTotal, serviceThreads, benchTotal, benchThreads);
        };
    }

    private sealed record Snapshot(int Pid, double Total, Dictionary<string, double> Threads)
    {
        public static Snapshot Take(int pid) => new(pid, ProcStats.ProcessCpu(pid), ProcStats.CpuByThread(pid));

        public (double Total, List<(string Thread, double Seconds)> Threads) Since() =>
            (ProcStats.ProcessCpu(Pid) - Total, ProcStats.Difference(Threads, ProcStats.CpuByThread(Pid)));
    }
}

public static class Phases
{
    /// <summary>
    /// (a) The limit: the same payloads POSTed by a plain HttpClient loop straight to the receiver, with the
    /// service's concurrency, spread over the same paths.
    /// </summary>
    /// <param name="inOrder">One POST at a time to one path: the most one webhook can get when its events go in order.</param>
    public static async Task<Throughput> LimitAsync(Receiver receiver, Options options, CancellationToken token, bool inOrder = false)
    {
        var concurrency = inOrder ? 1 : options.Concurrency;
        var what = inOrder ? "(a1)" : "(a)";
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = 256,
            ActivityHeadersPropagator = null,
        };
        using var http = new HttpClient(handler) { Timeout = options.DeliveryTimeout };

        async Task<Throughput> Run(int events, string what)
        {
            var tally = receiver.Expect(events);
            var cpu = CpuUse.Start(null);
            var next = -1;
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                int seq;
                while ((seq = Interlocked.Increment(ref next)) < events)
                {
                    using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Payload.Data(tally.First + seq)));
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    using var reply = await http.PostAsync(receiver.Url(inOrder ? 0 : seq % options.WebHooks), content, token);
                    if (!reply.IsSuccessStatusCode) throw new BenchException($"{what} the receiver answered {(int)reply.StatusCode}");
                }
            }));
            await WaitAsync(tally, what, token);
            var seconds = Stopwatch.GetElapsedTime(started, tally.LastReceipt).TotalSeconds;
            return new Throughput(events, events, events, seconds, seconds, tally.Duplicates, cpu());
        }

        await Run(options.Warmup, $"{what} warm-up");
        return await Run(options.Events, what);
    }

    /// <summary>Creates one webhook per account on the receiver, and (d) hanging ones on the first accounts.</summary>
    /// <param name="fanOut">True: all the webhooks are the first account's (paths 0..webhooks-1), all on the same event.</param>
    public static async Task CreateWebHooksAsync(ServiceApi api, Receiver receiver, HangingReceiver? hanging, Options options, CancellationToken token, bool fanOut = false)
    {
        // Each account's first call costs the service a password hash: a few at a time.
        using var gate = new SemaphoreSlim(4);
        var calls = Enumerable.Range(0, options.WebHooks).Select(i => (fanOut ? 0 : i, receiver.Url(i)));
        if (hanging is not null) calls = calls.Concat(Enumerable.Range(0, options.Hanging).Select(i => (i, hanging.Url(i))));
        await Task.WhenAll(calls.Select(async call =>
        {
            await gate.WaitAsync(token);
            try { await api.CreateWebHookAsync(call.Item1, call.Item2, token); }
            finally { gate.Release(); }
        }));
    }

    /// <summary>
    /// (b) and (d): <paramref name="events"/> events published by concurrent publishers, event i by account
    /// i mod webhooks, measured from the first publish to the last receipt. After <paramref name="cap"/>
    /// the phase ends with what has arrived (publishing stops too).
    /// </summary>
    /// <param name="fanOut">Above 1: every event is published by the first account, whose <paramref name="fanOut"/> webhooks all get it.</param>
    /// <param name="publishers">Concurrent publishers: <see cref="Options.Publishers"/> unless given.</param>
    public static async Task<Throughput> EndToEndAsync(ServiceApi api, Receiver receiver, ServiceChild service, int events, TimeSpan cap,
        Options options, string what, CancellationToken token, int fanOut = 1, int? publishers = null)
    {
        var tally = receiver.Expect(events, fanOut);
        using var capped = CancellationTokenSource.CreateLinkedTokenSource(token);
        capped.CancelAfter(cap);
        var cpu = CpuUse.Start(service.Pid);
        var published = 0;
        var started = Stopwatch.GetTimestamp();
        try
        {
            await api.PublishManyAsync(events, publishers ?? options.Publishers, i => fanOut > 1 ? 0 : i % options.WebHooks, tally.First, tally, capped.Token,
                _ => Interlocked.Increment(ref published));
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
        }
        var publishSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var complete = await WaitAsync(tally, what, token, capped.Token);
        var seconds = complete ? Stopwatch.GetElapsedTime(started, tally.LastReceipt).TotalSeconds : Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (!complete) Log.Line($"{what}: stopped at the cap of {cap.TotalSeconds:0} s with {tally.Distinct:N0} of {tally.Expected:N0} deliveries received");
        return new Throughput(tally.Expected, tally.Distinct, published, seconds, publishSeconds, tally.Duplicates, cpu()) { OutOfOrder = tally.OutOfOrder };
    }

    /// <summary>(c) Paced publishing at <see cref="Options.Rate"/> for <see cref="Options.LatencySeconds"/>; latency from each publish call to its receipt.</summary>
    /// <remarks>Events not received within <paramref name="cap"/> after the last publish count as infinitely late.</remarks>
    public static async Task<Latency> LatencyAsync(ServiceApi api, Receiver receiver, ServiceChild service, TimeSpan cap, Options options, CancellationToken token)
    {
        var events = options.Rate * options.LatencySeconds;
        var tally = receiver.Expect(events);
        var cpu = CpuUse.Start(service.Pid);
        using var outstanding = new SemaphoreSlim(256); // an open loop, but a bounded one
        var calls = new List<Task>(events);
        var launched = 0;
        var started = Stopwatch.GetTimestamp();
        while (launched < events)
        {
            var due = Math.Min(events, (int)(Stopwatch.GetElapsedTime(started).TotalSeconds * options.Rate) + 1);
            while (launched < due)
            {
                await outstanding.WaitAsync(token);
                var seq = launched++;
                calls.Add(Task.Run(async () =>
                {
                    try { await api.PublishAsync(seq % options.WebHooks, tally.First + seq, token, tally); }
                    finally { outstanding.Release(); }
                }, token));
            }
            await Task.Delay(1, token);
        }
        var achieved = events / Stopwatch.GetElapsedTime(started).TotalSeconds;
        await Task.WhenAll(calls);
        using var capped = CancellationTokenSource.CreateLinkedTokenSource(token);
        capped.CancelAfter(cap);
        if (!await WaitAsync(tally, "(c)", token, capped.Token))
            Log.Line($"(c): stopped {cap.TotalSeconds:0} s after the last publish with {tally.Distinct:N0} of {events:N0} events received");
        var ms = tally.SortedLatenciesMs();
        return new Latency(events, tally.Distinct, achieved, Percentile(ms, 0.50), Percentile(ms, 0.95), Percentile(ms, 0.99), ms[^1], cpu());
    }

    /// <summary>Nearest-rank percentile of sorted values (infinity when that event never arrived).</summary>
    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>
    /// Waits for every event of the tally, telling the progress every 5 s. False when <paramref name="cap"/>
    /// ends the wait first; the run's time limit (<paramref name="token"/>) ends the run.
    /// </summary>
    public static async Task<bool> WaitAsync(Tally tally, string what, CancellationToken token, CancellationToken cap = default)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(token, cap);
        while (true)
        {
            try
            {
                await tally.Complete.WaitAsync(TimeSpan.FromSeconds(5), either.Token);
                return true;
            }
            catch (TimeoutException)
            {
                Log.Line($"{what}: {tally.Distinct:N0} of {tally.Expected:N0} events received so far");
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                throw new BenchException($"{what}: gave up at the time limit with {tally.Distinct:N0} of {tally.Expected:N0} events received");
            }
            catch (OperationCanceledException) when (cap.IsCancellationRequested)
            {
                return false;
            }
        }
    }
}

/// <summary>Progress goes to standard error, so standard output is only the table.</summary>
public static class Log
{
    private static readonly long Started = Stopwatch.GetTimestamp();

    public static void Line(string text) => Console.Error.WriteLine($"[{Stopwatch.GetElapsedTime(Started).TotalSeconds,6:0.0}s] {text}");
}
