using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

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
/// The webhook receiver on 127.0.0.1: answers every POST with an empty 200 at once and records it in the current
/// <see cref="Tally"/>. URLs are <c>/r/{n}</c>, n = the webhook's number.
/// </summary>
/// <remarks>
/// It shares the machine with the service, so it should take as little of it as a receiver can: each connection
/// has a thread of its own that blocks in the socket's reads and answers from there, with no hop between threads
/// per request. (Kestrel, which it was, took ~100 µs of CPU per request here, about as much as the service spent
/// delivering it.) It speaks the HTTP/1.1 that the service's and the bench's clients send: keep-alive connections,
/// bodies with a Content-Length.
/// </remarks>
public sealed class Receiver : IDisposable
{
    private const int BufferBytes = 64 * 1024;
    private static readonly byte[] Ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray();
    private static readonly byte[] Accepted = "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"u8.ToArray();
    private static readonly byte[] GoneReply = "HTTP/1.1 410 Gone\r\nContent-Length: 0\r\n\r\n"u8.ToArray();
    private static readonly byte[] Unsupported = "HTTP/1.1 411 Length Required\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray();

    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _connections = [];
    private Tally _tally = new(0);
    private int _nextSeq;

    public Receiver()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        BaseUrl = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}";
        new Thread(AcceptLoop) { IsBackground = true, Name = "receiver-accept" }.Start();
    }

    public string BaseUrl { get; }

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

    private void AcceptLoop()
    {
        while (true)
        {
            Socket connection;
            try { connection = _listener.Accept(); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; }
            connection.NoDelay = true;
            lock (_connections) _connections.Add(connection);
            new Thread(() => Serve(connection), maxStackSize: 256 * 1024) { IsBackground = true, Name = "receiver" }.Start();
        }
    }

    /// <summary>Answers the requests of one connection, one after the other, until it closes.</summary>
    private void Serve(Socket connection)
    {
        var buffer = new byte[BufferBytes];
        int start = 0, end = 0; // unread bytes: buffer[start..end)
        try
        {
            while (true)
            {
                int headEnd;
                while ((headEnd = buffer.AsSpan(start, end - start).IndexOf("\r\n\r\n"u8)) < 0)
                    if (!Receive(connection, buffer, ref start, ref end)) return;
                var head = buffer.AsSpan(start, headEnd);
                if (ContentLength(head) is not { } length || headEnd + 4 + length > BufferBytes)
                {
                    connection.Send(Unsupported);
                    return;
                }
                var path = Path(head);
                while (end - start < headEnd + 4 + length)
                    if (!Receive(connection, buffer, ref start, ref end)) return;
                connection.Send(Handle(path, buffer.AsSpan(start + headEnd + 4, length)));
                start += headEnd + 4 + length;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            lock (_connections) _connections.Remove(connection);
            connection.Dispose();
        }
    }

    /// <summary>Reads more of the connection after what is unread (moved to the front first); false once it is closed.</summary>
    private static bool Receive(Socket connection, byte[] buffer, ref int start, ref int end)
    {
        if (end == buffer.Length)
        {
            if (start == 0) return false; // a head larger than the buffer: not a request of the bench's
            buffer.AsSpan(start, end - start).CopyTo(buffer);
            end -= start;
            start = 0;
        }
        var read = connection.Receive(buffer, end, buffer.Length - end, SocketFlags.None);
        end += read;
        return read > 0;
    }

    private byte[] Handle(string path, ReadOnlySpan<byte> body)
    {
        // The bench's own warm-up of its publishing code, before the cold burst: answered as the service would.
        if (path == "/api/events") return Accepted;
        if (Gone && path.StartsWith("/g/", StringComparison.Ordinal)) return GoneReply;
        var now = Stopwatch.GetTimestamp();
        var tally = Tally;
        if (Payload.TryRead(body, out var seq, out var sentAt)) tally.Record(PathNumber(path), seq, sentAt, now);
        else tally.Foreign1();
        return Ok;
    }

    /// <summary>The path of the request line (<c>POST /r/1 HTTP/1.1</c>), without a query.</summary>
    private static string Path(ReadOnlySpan<byte> head)
    {
        var eol = head.IndexOf("\r\n"u8);
        var line = eol >= 0 ? head[..eol] : head;
        var target = line[(line.IndexOf((byte)' ') + 1)..];
        target = target[..Math.Max(0, target.IndexOf((byte)' '))];
        if (target.IndexOf((byte)'?') is var query and >= 0) target = target[..query];
        return Encoding.ASCII.GetString(target);
    }

    /// <summary>The Content-Length of a request head (0 without a body), or null for a chunked body, which the bench's clients never send.</summary>
    private static int? ContentLength(ReadOnlySpan<byte> head)
    {
        var length = 0;
        for (var field = new HeaderFields(head); field.MoveNext();)
        {
            if (field.Is("Content-Length"u8))
            {
                if (!int.TryParse(field.Value, out length) || length < 0) return null;
            }
            else if (field.Is("Transfer-Encoding"u8)) return null;
        }
        return length;
    }

    /// <summary>n of <c>/r/{n}</c> or <c>/g/{n}</c>, or -1.</summary>
    private static int PathNumber(string path) =>
        (path.StartsWith("/r/", StringComparison.Ordinal) || path.StartsWith("/g/", StringComparison.Ordinal))
        && int.TryParse(path.AsSpan(3), out var n) ? n : -1;

    public void Dispose()
    {
        _listener.Dispose();
        lock (_connections)
        {
            foreach (var connection in _connections) connection.Dispose();
            _connections.Clear();
        }
    }
}

/// <summary>
/// A receiver that accepts connections and reads what is sent, but never answers: every attempt to it
/// hangs until the service's delivery timeout.
/// </summary>
public sealed class HangingReceiver : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _held = [];
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
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task DrainAsync(Socket socket)
    {
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
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
