using System.Buffers;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WebHooks.Bench;

/// <summary>
/// What the receiver saw during one phase: which events arrived (by their <c>seq</c>), when, how late,
/// and how many per path. Thread-safe and allocation-free per request.
/// </summary>
public sealed class Tally
{
    public const int MaxPaths = 256;

    private readonly int[] _seen;
    private readonly long[] _latency;
    private readonly int[] _perPath = new int[MaxPaths];
    private readonly long[] _maxStartOfPath = new long[MaxPaths];
    private readonly long[] _publishStart;
    private readonly long[] _publishAck;
    private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _distinct;
    private int _total;
    private int _duplicates;
    private int _foreign;
    private int _outOfOrder;
    private long _lastReceipt;

    /// <param name="first">The seq of the phase's first event: seqs are unique over the run, so late events of an earlier phase are not counted.</param>
    /// <param name="fanOut">Copies of each event expected, one on each path 0..fanOut-1 (one account's webhooks all on the event); 1: each event once, on any path.</param>
    public Tally(int events, int first = 0, int fanOut = 1)
    {
        First = first;
        Events = events;
        FanOut = fanOut;
        Expected = events * fanOut;
        _seen = new int[Expected];
        _latency = new long[Expected];
        _publishStart = new long[events];
        _publishAck = new long[events];
        if (Expected == 0) _complete.TrySetResult();
    }

    public int First { get; }
    /// <summary>Events of the phase; <see cref="Expected"/> deliveries (events × fan-out).</summary>
    public int Events { get; }
    public int FanOut { get; }
    public int Expected { get; }
    /// <summary>
    /// Receipts that came after an event they must follow: on the same path, an event whose publish started after this
    /// one's was acknowledged arrived earlier. (Concurrent publishes may be stored in either order; an acknowledged one
    /// is stored before any publish that starts later, so that order is the stream's, and deliveries must keep it.)
    /// </summary>
    public int OutOfOrder => Volatile.Read(ref _outOfOrder);

    /// <summary>The publisher says when the publish of <paramref name="seq"/> starts (before sending it).</summary>
    public void Publishing(int seq, long started)
    {
        seq -= First;
        if ((uint)seq < (uint)Events) Volatile.Write(ref _publishStart[seq], started);
    }

    /// <summary>The publisher says when the publish of <paramref name="seq"/> was acknowledged.</summary>
    public void Published(int seq, long acknowledged)
    {
        seq -= First;
        if ((uint)seq < (uint)Events) Volatile.Write(ref _publishAck[seq], acknowledged);
    }
    public int Distinct => Volatile.Read(ref _distinct);
    public int Total => Volatile.Read(ref _total);
    public int Duplicates => Volatile.Read(ref _duplicates);
    /// <summary>Requests whose body was not one of this phase's events (e.g. late ones of an earlier phase).</summary>
    public int Foreign => Volatile.Read(ref _foreign);
    /// <summary><see cref="Stopwatch"/> timestamp of the receipt that completed the phase (or the latest one).</summary>
    public long LastReceipt => Interlocked.Read(ref _lastReceipt);
    public Task Complete => _complete.Task;

    public int PathCount(int path) => Volatile.Read(ref _perPath[path]);

    public void Record(int path, int seq, long sentAt, long now)
    {
        Interlocked.Increment(ref _total);
        if ((uint)path < MaxPaths) Interlocked.Increment(ref _perPath[path]);
        seq -= First;
        if ((uint)seq >= (uint)Events || (FanOut > 1 && (uint)path >= (uint)FanOut))
        {
            Interlocked.Increment(ref _foreign);
            return;
        }
        if ((uint)path < MaxPaths)
        {
            // Receipts of one path come one at a time (one attempt in flight per webhook), so this needs no lock.
            var ack = Volatile.Read(ref _publishAck[seq]);
            if (ack != 0 && _maxStartOfPath[path] > ack) Interlocked.Increment(ref _outOfOrder);
            var start = Volatile.Read(ref _publishStart[seq]);
            if (start > _maxStartOfPath[path]) _maxStartOfPath[path] = start;
        }
        var slot = FanOut > 1 ? seq * FanOut + path : seq;
        if (Interlocked.Exchange(ref _seen[slot], 1) != 0)
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }
        _latency[slot] = now - sentAt;
        InterlockedMax(ref _lastReceipt, now);
        if (Interlocked.Increment(ref _distinct) == Expected) _complete.TrySetResult();
    }

    public void Foreign1() => Interlocked.Increment(ref _foreign);

    /// <summary>Publish-to-receipt latencies in milliseconds of all the phase's events, sorted; infinity for those not received.</summary>
    public double[] SortedLatenciesMs()
    {
        var all = new double[Expected];
        for (var i = 0; i < Expected; i++)
            all[i] = Volatile.Read(ref _seen[i]) != 0 ? _latency[i] * 1000.0 / Stopwatch.Frequency : double.PositiveInfinity;
        Array.Sort(all);
        return all;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }
}

/// <summary>
/// The webhook receiver: a minimal Kestrel app on 127.0.0.1 that answers every POST with an empty 200 at
/// once and records it in the current <see cref="Tally"/>. URLs are <c>/r/{n}</c>, n = the webhook's number.
/// </summary>
public sealed class Receiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private Tally _tally = new(0);
    private int _nextSeq;

    private Receiver(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public Tally Tally => Volatile.Read(ref _tally);

    /// <summary>Starts recording into a fresh tally that completes after <paramref name="events"/> distinct events (× <paramref name="fanOut"/> paths).</summary>
    public Tally Expect(int events, int fanOut = 1)
    {
        var tally = new Tally(events, _nextSeq, fanOut);
        _nextSeq += events;
        Volatile.Write(ref _tally, tally);
        return tally;
    }

    public string Url(int webHook) => $"{BaseUrl}/r/{webHook}";

    /// <summary>A URL that answers <c>410 Gone</c> while <see cref="Gone"/> is set, and is an ordinary receiver path (number <paramref name="webHook"/>) after.</summary>
    public string GoneUrl(int webHook) => $"{BaseUrl}/g/{webHook}";

    /// <summary>Whether the <see cref="GoneUrl"/> paths answer 410.</summary>
    public volatile bool Gone = true;

    public static async Task<Receiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.AddServerHeader = false;
        });
        var app = builder.Build();
        var receiver = new Receiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.BaseUrl = address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (path == "/api/events")
        {
            // The bench's own warm-up of its publishing code, before the cold burst: answered as the service would.
            await context.Request.Body.CopyToAsync(Stream.Null);
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            context.Response.ContentLength = 0;
            return;
        }
        if (Gone && path is not null && path.StartsWith("/g/", StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status410Gone;
            context.Response.ContentLength = 0;
            return;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(8 * 1024);
        try
        {
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await context.Request.Body.ReadAsync(buffer.AsMemory(length))) > 0) length += read;
            var now = Stopwatch.GetTimestamp();
            var tally = Tally;
            if (Payload.TryRead(buffer.AsSpan(0, length), out var seq, out var sentAt)) tally.Record(PathNumber(path), seq, sentAt, now);
            else tally.Foreign1();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentLength = 0;
    }

    /// <summary>n of <c>/r/{n}</c> or <c>/g/{n}</c>, or -1.</summary>
    private static int PathNumber(string? path) =>
        path is not null && (path.StartsWith("/r/", StringComparison.Ordinal) || path.StartsWith("/g/", StringComparison.Ordinal))
        && int.TryParse(path.AsSpan(3), out var n) ? n : -1;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>
/// A receiver that accepts connections and reads what is sent, but never answers: every attempt to it
/// hangs until the service's delivery timeout.
/// </summary>
public sealed class HangingReceiver : IDisposable
{
    private readonly System.Net.Sockets.TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<System.Net.Sockets.Socket> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private int _connections;

    public HangingReceiver()
    {
        _listener.Start(512);
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int Connections => Volatile.Read(ref _connections);

    public string Url(int webHook) => $"http://127.0.0.1:{Port}/h/{webHook}";

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                lock (_held) _held.Add(socket);
                _ = DrainAsync(socket);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
        }
    }

    private async Task DrainAsync(System.Net.Sockets.Socket socket)
    {
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, _stop.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_held)
        {
            foreach (var socket in _held) socket.Dispose();
            _held.Clear();
        }
        _stop.Dispose();
    }
}
