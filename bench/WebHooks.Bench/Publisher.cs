using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace WebHooks.Bench;

/// <summary>
/// One closed-loop publisher of <c>POST /api/events</c>, run on a thread of its own: a keep-alive HTTP/1.1 connection
/// per instance, a publish sent in one write, and its answer awaited by blocking in the socket's reads, as the
/// receiver answers on its side.
/// </summary>
/// <remarks>
/// The publishers share the two cores with the service, as the platform's would not. With <see cref="HttpClient"/>
/// (asynchronous sockets: each answer wakes the socket thread, which hands it to the thread pool) they took about half
/// as much CPU per publish as the service in (h)'s intake; see bench/README.md, "The setup". It speaks the HTTP/1.1 the
/// service answers with: a Content-Length or a chunked body, and reconnects when the service closes a connection.
/// </remarks>
/// <param name="heads">Per instance and account, the request head up to the Content-Length's value (<see cref="Head"/>).</param>
public sealed class Publisher(IReadOnlyList<Uri> instances, byte[][][] heads, IReadOnlyList<(string Name, string Password)> accounts) : IDisposable
{
    private readonly Connection?[] _connections = new Connection?[instances.Count];
    private volatile bool _disposed;

    /// <summary>Publishes event <paramref name="seq"/> as <paramref name="account"/> to instance seq mod instances; retried twice on failure.</summary>
    /// <exception cref="OperationCanceledException">The publisher was disposed (the phase ended) meanwhile.</exception>
    public void Publish(int account, int seq, Tally? tally)
    {
        tally?.Publishing(seq, Stopwatch.GetTimestamp());
        var instance = (int)((uint)seq % (uint)_connections.Length);
        var body = Payload.PublishBody(seq);
        var problem = "";
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var connection = _connections[instance];
            try
            {
                connection ??= _connections[instance] = new Connection(instances[instance]);
                var (status, reply) = connection.Post(heads[instance][account], body);
                if (connection.Closed) Drop(instance);
                if (status == (int)HttpStatusCode.Accepted)
                {
                    tally?.Published(seq, Stopwatch.GetTimestamp());
                    return;
                }
                problem = $"HTTP {status} {reply}";
            }
            catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
            {
                Drop(instance);
                if (_disposed) throw new OperationCanceledException("the publisher was stopped", e);
                problem = e.Message;
            }
        }
        throw new BenchException($"publishing event {seq} as {accounts[account].Name} failed 3 times: {problem}");
    }

    /// <summary>Closes the connections; a publish blocked in a read ends with <see cref="OperationCanceledException"/>. Any thread may call it.</summary>
    public void Dispose()
    {
        _disposed = true;
        for (var i = 0; i < _connections.Length; i++) _connections[i]?.Dispose();
    }

    private void Drop(int instance)
    {
        _connections[instance]?.Dispose();
        _connections[instance] = null;
    }

    /// <summary>The head of a publish to <paramref name="instance"/> with these credentials, up to the Content-Length's value.</summary>
    public static byte[] Head(Uri instance, AuthenticationHeaderValue authorization) => Encoding.ASCII.GetBytes(
        $"POST /api/events HTTP/1.1\r\nHost: {instance.Authority}\r\nAuthorization: {authorization}\r\n" +
        "Content-Type: application/json\r\nContent-Length: ");

    /// <summary>A keep-alive connection: one request at a time, its answer read whole before the next.</summary>
    private sealed class Connection : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 60_000, SendTimeout = 60_000 };
        private readonly byte[] _in = new byte[16 * 1024];
        private byte[] _out = new byte[4 * 1024];
        private int _start, _end; // unread bytes: _in[_start.._end)

        public Connection(Uri instance) => _socket.Connect(IPAddress.Parse(instance.Host), instance.Port);

        /// <summary>The service said <c>Connection: close</c>: the next request needs a new connection.</summary>
        public bool Closed { get; private set; }

        /// <summary>Sends a request (<paramref name="head"/>, then the length and the body) and reads its answer: the status and, unless 202, the body.</summary>
        public (int Status, string Body) Post(byte[] head, byte[] body)
        {
            var size = head.Length + 16 + body.Length;
            if (_out.Length < size) _out = new byte[size];
            head.CopyTo(_out, 0);
            var length = head.Length;
            Utf8Formatter.TryFormat(body.Length, _out.AsSpan(length), out var digits);
            length += digits;
            "\r\n\r\n"u8.CopyTo(_out.AsSpan(length));
            length += 4;
            body.CopyTo(_out, length);
            length += body.Length;
            for (var sent = 0; sent < length;) sent += _socket.Send(_out, sent, length - sent, SocketFlags.None);
            return ReadAnswer();
        }

        private (int Status, string Body) ReadAnswer()
        {
            int headEnd;
            while ((headEnd = _in.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0) Receive();
            var head = _in.AsSpan(_start, headEnd);
            // "HTTP/1.1 202 Accepted"
            if (head.Length < 12 || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
                throw new IOException("not an HTTP answer: " + Encoding.ASCII.GetString(head[..Math.Min(head.Length, 80)]));
            long? contentLength = null;
            var chunked = false;
            for (var field = new HeaderFields(head); field.MoveNext();)
            {
                if (field.Is("Content-Length"u8) && Utf8Parser.TryParse(field.Value, out long n, out _)) contentLength = n;
                else if (field.Is("Transfer-Encoding"u8)) chunked = Ascii.EqualsIgnoreCase(field.Value, "chunked"u8);
                else if (field.Is("Connection"u8)) Closed = Ascii.EqualsIgnoreCase(field.Value, "close"u8);
            }
            _start += headEnd + 4;

            var keep = status == (int)HttpStatusCode.Accepted ? null : new MemoryStream();
            if (chunked)
            {
                while (true)
                {
                    // "3b" or "3b;extension": the chunk's size in hex
                    if (!Utf8Parser.TryParse(Line(), out long size, out _, 'x')) throw new IOException("a chunk without its size");
                    if (size == 0)
                    {
                        while (!Line().IsEmpty) { } // trailers, then the empty line
                        break;
                    }
                    Consume(size, keep);
                    if (!Line().IsEmpty) throw new IOException("a chunk did not end with CRLF");
                }
            }
            else if (contentLength is { } n) Consume(n, keep);
            else if (status is not (204 or 304)) throw new IOException($"HTTP {status} without a Content-Length or a chunked body");
            return (status, keep is null ? "" : Encoding.UTF8.GetString(keep.GetBuffer(), 0, (int)keep.Length));
        }

        /// <summary>The next line of the answer, without its CRLF; valid until the next read.</summary>
        private ReadOnlySpan<byte> Line()
        {
            int eol;
            while ((eol = _in.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0) Receive();
            var line = _in.AsSpan(_start, eol);
            _start += eol + 2;
            return line;
        }

        /// <summary>Reads past <paramref name="count"/> bytes of the body, keeping them when asked.</summary>
        private void Consume(long count, MemoryStream? keep)
        {
            while (count > 0)
            {
                if (_start == _end) Receive();
                var take = (int)Math.Min(count, _end - _start);
                keep?.Write(_in, _start, take);
                _start += take;
                count -= take;
            }
        }

        /// <summary>Reads more after what is unread (moved to the front first).</summary>
        private void Receive()
        {
            if (_start == _end) _start = _end = 0;
            else if (_end == _in.Length)
            {
                if (_start == 0) throw new IOException("an answer's head is larger than the buffer");
                _in.AsSpan(_start, _end - _start).CopyTo(_in);
                _end -= _start;
                _start = 0;
            }
            var read = _socket.Receive(_in, _end, _in.Length - _end, SocketFlags.None);
            if (read == 0) throw new IOException("the service closed the connection");
            _end += read;
        }

        public void Dispose() => _socket.Dispose();
    }
}
