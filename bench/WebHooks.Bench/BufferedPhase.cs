using System.Diagnostics;
using System.Text.Json;

namespace WebHooks.Bench;

/// <summary>What (h) measured: a large buffer of a deactivated webhook, listed, reactivated with replay and replayed.</summary>
public sealed record Buffered(
    int Events, Throughput Intake, long BufferedReported, double GetWebHooksFirstMs, double GetWebHooksMedianMs, double ActivateMs, long Replayed,
    int Received, int OutOfOrder, int Duplicates, double ReplaySeconds, long PeakBeforeReplay, long PeakAfterReplay, long RssAfter, long MaxRssDuringReplay,
    long DatabaseBytes, CpuUse ReplayCpu)
{
    public double ReplayPerSecond => Received / ReplaySeconds;
}

public static class BufferedPhase
{
    /// <summary>
    /// (h) A webhook of the first account on a URL that answers 410: the first event deactivates it. Then
    /// <paramref name="events"/> events are published by concurrent publishers and buffered for it (intake rate);
    /// <c>GetWebHooks</c> is timed (first call, and the median of 5), the URL is made to answer 200, <c>ActivateWebHook</c>
    /// with <c>replayEvents=1</c> is timed, and the replay is awaited: rate, order, and the working set throughout.
    /// </summary>
    public static async Task<Buffered> RunAsync(ServiceApi api, Receiver receiver, ServiceChild service, int events, TimeSpan cap, Options options, CancellationToken token)
    {
        var (id, tally) = await DeactivatedWebHookAsync(api, receiver, events, "(h)", token);
        var intake = await BufferAsync(api, service, tally, options.Publishers, "(h)", token);

        var timings = new List<double>();
        long reported = 0;
        for (var i = 0; i < 6; i++)
        {
            var call = Stopwatch.GetTimestamp();
            using var list = await api.GetWebHooksAsync(0, token);
            timings.Add(Stopwatch.GetElapsedTime(call).TotalMilliseconds);
            var webHook = list.RootElement.GetProperty("result").EnumerateArray().First(w => w.GetProperty("id").GetInt32() == id);
            reported = webHook.GetProperty("bufferedEvents").GetInt64();
        }
        var firstMs = timings[0];
        var median = timings.Skip(1).Order().ElementAt(2);
        if (reported != events) Log.Line($"(h) GetWebHooks says {reported:N0} buffered, {events:N0} were published");

        var peakBefore = service.PeakWorkingSet;
        receiver.Gone = false;
        var replayCpu = CpuUse.Start(service.Pid);
        var activating = Stopwatch.GetTimestamp();
        using var activation = await api.ActivateWebHookAsync(0, id, replay: true, token);
        var activateMs = Stopwatch.GetElapsedTime(activating).TotalMilliseconds;
        var replayed = activation.RootElement.GetProperty("result").GetProperty("replayedEvents").GetInt64();
        Log.Line($"(h) activated in {activateMs:0.0} ms, {replayed:N0} to replay");

        long maxRss = 0;
        using var capped = CancellationTokenSource.CreateLinkedTokenSource(token);
        capped.CancelAfter(cap);
        var sampling = Task.Run(async () =>
        {
            while (!tally.Complete.IsCompleted && !capped.IsCancellationRequested)
            {
                maxRss = Math.Max(maxRss, service.WorkingSet);
                try { await Task.Delay(100, capped.Token); }
                catch (OperationCanceledException) { }
            }
        }, CancellationToken.None);
        var complete = await Phases.WaitAsync(tally, "(h) replay", token, capped.Token);
        var replaySeconds = complete ? Stopwatch.GetElapsedTime(activating, tally.LastReceipt).TotalSeconds : Stopwatch.GetElapsedTime(activating).TotalSeconds;
        await sampling;
        return new Buffered(events, intake, reported, firstMs, median, activateMs, replayed, tally.Distinct, tally.OutOfOrder, tally.Duplicates, replaySeconds,
            peakBefore, service.PeakWorkingSet, service.WorkingSet, maxRss, service.DatabaseBytes, replayCpu());
    }

    /// <summary>
    /// (h wide) The buffering of (h) on a fresh service, by <see cref="Options.WidePublishers"/> publishers: the intake
    /// rate, without the list, the activation and the replay.
    /// </summary>
    public static async Task<Throughput> WideIntakeAsync(ServiceApi api, Receiver receiver, ServiceChild service, int events, Options options, CancellationToken token)
    {
        var (_, tally) = await DeactivatedWebHookAsync(api, receiver, events, "(h wide)", token);
        var intake = await BufferAsync(api, service, tally, options.WidePublishers, "(h wide)", token);
        receiver.Gone = false;
        return intake;
    }

    /// <summary>A webhook of the first account on a URL that answers 410, deactivated by the first event; the tally numbers the events to buffer.</summary>
    private static async Task<(int Id, Tally Tally)> DeactivatedWebHookAsync(ServiceApi api, Receiver receiver, int events, string what, CancellationToken token)
    {
        receiver.Gone = true;
        var id = await api.CreateWebHookAsync(0, receiver.GoneUrl(0), token);
        var first = receiver.Expect(1);
        await api.PublishAsync(0, first.First, token);
        await UntilAsync(async () => (await WebHookAsync(api, id, token)).GetProperty("active").GetInt32() == 0, TimeSpan.FromSeconds(30), "the webhook was not deactivated by its 410", token);
        Log.Line($"{what} webhook {id} deactivated by 410; buffering {events:N0} events");
        // Nothing is delivered while buffering, so the tally only serves to number the events.
        return (id, receiver.Expect(events));
    }

    /// <summary>Publishes the tally's events for the deactivated webhook by <paramref name="publishers"/> concurrent publishers.</summary>
    private static async Task<Throughput> BufferAsync(ServiceApi api, ServiceChild service, Tally tally, int publishers, string what, CancellationToken token)
    {
        var events = tally.Expected;
        var cpu = CpuUse.Start(service.Pid);
        var started = Stopwatch.GetTimestamp();
        var lastLog = started;
        await api.PublishManyAsync(events, publishers, _ => 0, tally.First, tally, token, i =>
        {
            if (i % 10_000 == 0 && Stopwatch.GetElapsedTime(Interlocked.Read(ref lastLog)).TotalSeconds >= 10)
            {
                Interlocked.Exchange(ref lastLog, Stopwatch.GetTimestamp());
                Log.Line($"{what} {i:N0} of {events:N0} published; service working set {Report.Mb(service.WorkingSet)}, peak {Report.Mb(service.PeakWorkingSet)}");
            }
        });
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var intake = new Throughput(events, 0, events, seconds, seconds, 0, cpu());
        Log.Line($"{what} {events:N0} buffered by {publishers} publishers at {Report.N(intake.PublishPerSecond)} events/s; working set {Report.Mb(service.WorkingSet)}, peak {Report.Mb(service.PeakWorkingSet)}");
        return intake;
    }

    private static async Task<JsonElement> WebHookAsync(ServiceApi api, int id, CancellationToken token)
    {
        using var list = await api.GetWebHooksAsync(0, token);
        return list.RootElement.GetProperty("result").EnumerateArray().First(w => w.GetProperty("id").GetInt32() == id).Clone();
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string failure, CancellationToken token)
    {
        var until = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!await condition())
        {
            if (Stopwatch.GetTimestamp() > until) throw new BenchException("(h) " + failure + $" within {timeout.TotalSeconds:0} s");
            await Task.Delay(100, token);
        }
    }
}
