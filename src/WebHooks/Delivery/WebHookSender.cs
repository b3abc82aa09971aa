using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Security.Authentication;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace WebHooks.Delivery;

/// <summary>
/// Makes one delivery attempt over HTTP (spec 5.1, 5.2), refusing non-public addresses on the connection
/// itself (spec 5.4). Thread-safe; one instance serves all webhooks.
/// </summary>
public sealed class WebHookSender : IWebHookSender, IDisposable
{
    /// <summary>How much of a response body is read; the rest is discarded (spec 5.2).</summary>
    public const int MaxResponseBodyBytes = 64 * 1024;

    /// <summary><see cref="AttemptResult.Error"/> is always shorter than this.</summary>
    public const int MaxErrorLength = 200;

    /// <summary>The <c>User-Agent</c> header: <c>WebHooks/{version}</c>.</summary>
    public static string UserAgent { get; } = "WebHooks/" + NumericVersion(typeof(WebHookSender).Assembly);

    private readonly DeliveryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WebHookSender> _logger;
    private readonly HttpClient _client;

    public WebHookSender(DeliveryOptions options, TimeProvider time, ILogger<WebHookSender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _time = time;
        _logger = logger;

        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            MaxConnectionsPerServer = 256,
            // Never read more of a response than SendAsync does: an unread rest closes the connection.
            MaxResponseDrainSize = 0,
            // No trace headers towards customers' servers.
            ActivityHeadersPropagator = null,
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public void Dispose() => _client.Dispose();

    public async Task<AttemptResult> SendAsync(DeliveryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();

        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return Fail(request, "invalid URL");
        }

        var target = uri.GetLeftPart(UriPartial.Authority); // logged instead of the URL: its path or query may hold credentials
        HttpRequestMessage message;
        try
        {
            message = CreateMessage(request, uri);
        }
        catch (FormatException)
        {
            return Fail(request, "invalid webhook secret or header value");
        }

        using var timeout = CreateTimeoutSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var started = _time.GetTimestamp();
        try
        {
            using (message)
            using (var response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false))
            {
                var result = Classify(response);
                await DiscardBodyAsync(response, request, linked.Token, cancellationToken).ConfigureAwait(false);
                LogAttempt(request, target, result, started);
                return result;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            var result = new AttemptResult(AttemptOutcome.Failed, null, Shorten(Describe(ex, timeout.IsCancellationRequested)));
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                _logger.LogDebug(ex, "Event {EventId} to {Target}: {Error} after {ElapsedMs} ms",
                    request.EventId, target, result.Error, (long)_time.GetElapsedTime(started).TotalMilliseconds);
            }

            return result;
        }
    }

    private HttpRequestMessage CreateMessage(DeliveryRequest request, Uri uri)
    {
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        // After a rotation the previous secret signs too, space-separated after the new one (Standard Webhooks).
        var signature = string.Join(' ', request.Secrets.Select(secret => WebHookSignature.Sign(secret, request.EventId, timestamp, request.Body)));

        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(request.Body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        try
        {
            message.Headers.Add("User-Agent", UserAgent);
            message.Headers.Add("webhook-id", request.EventId);
            message.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
            message.Headers.Add("webhook-signature", signature);
            message.Headers.Add("webhook-event", request.EventName);
            return message;
        }
        catch
        {
            message.Dispose();
            throw;
        }
    }

    private CancellationTokenSource CreateTimeoutSource()
    {
        var timeout = _options.Timeout;
        if (timeout <= TimeSpan.Zero)
        {
            return new CancellationTokenSource(); // no timeout configured
        }

        var max = TimeSpan.FromMilliseconds(int.MaxValue);
        return new CancellationTokenSource(timeout < max ? timeout : max, _time);
    }

    private AttemptResult Classify(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and <= 299)
        {
            return AttemptResult.Delivered(status);
        }

        var text = $"HTTP {status} {ReasonPhrase(status, response.ReasonPhrase)}".TrimEnd();
        if (status == (int)HttpStatusCode.Gone)
        {
            return new AttemptResult(AttemptOutcome.Gone, status, text);
        }

        if (status is >= 300 and <= 399)
        {
            text += " (redirects are not followed)";
        }

        var retryAfter = status is 429 or 503 ? RetryAfter(response) : null;
        return new AttemptResult(AttemptOutcome.Failed, status, Shorten(text), retryAfter);
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        TimeSpan? delay = header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - _time.GetUtcNow(),
            _ => null,
        };
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }

    /// <summary>Reads at most <see cref="MaxResponseBodyBytes"/>; the response's disposal drops the rest.</summary>
    private async Task DiscardBodyAsync(HttpResponseMessage response, DeliveryRequest request, CancellationToken token, CancellationToken callerToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var total = 0;
                while (total < MaxResponseBodyBytes)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, MaxResponseBodyBytes - total)), token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    total += read;
                }
            }
        }
        catch (OperationCanceledException) when (callerToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            // The status line decided the outcome; a body that breaks off or is slow does not change it.
            _logger.LogDebug(ex, "Event {EventId}: reading the response body failed", request.EventId);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Resolves the host and connects to the first address that <see cref="AddressGuard"/> accepts, so that the
    /// check applies to the address actually connected to (spec 5.4).
    /// </summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        var addresses = await ResolveAsync(host, cancellationToken).ConfigureAwait(false);

        var acceptable = new List<IPAddress>(addresses.Length);
        string? refusal = null;
        foreach (var resolved in addresses)
        {
            var address = resolved.IsIPv4MappedToIPv6 ? resolved.MapToIPv4() : resolved;
            var reason = _options.AllowPrivateNetworks ? null : AddressGuard.WhyRefused(address);
            if (reason is null)
            {
                acceptable.Add(address);
            }
            else
            {
                refusal ??= RefusalText(host, address, reason);
            }
        }

        if (acceptable.Count == 0)
        {
            throw new AddressRefusedException(refusal ?? $"refused: {host} has no usable address");
        }

        ExceptionDispatchInfo? lastFailure = null;
        foreach (var address in acceptable)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                lastFailure = ExceptionDispatchInfo.Capture(ex);
                _logger.LogDebug("Connecting to {Address} port {Port} failed: {SocketError}", address, port, ex.SocketErrorCode);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        lastFailure!.Throw();
        throw new UnreachableException();
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (IPAddress.TryParse(literal, out var address))
        {
            return [address];
        }

        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new HostLookupException(host, ex);
        }

        return addresses.Length > 0 ? addresses : throw new HostLookupException(host, null);
    }

    private static string RefusalText(string host, IPAddress address, string reason)
    {
        var article = reason.StartsWith("unique", StringComparison.Ordinal) || !"aeiou".Contains(reason[0]) ? "a" : "an";
        var literal = host.Trim('[', ']');
        return IPAddress.TryParse(literal, out _)
            ? $"refused: {address} is {article} {reason}"
            : $"refused: {host} resolves to {address}, {article} {reason}";
    }

    private string Describe(Exception ex, bool timedOut)
    {
        if (timedOut)
        {
            return $"timeout after {_options.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
        }

        if (Find<AddressRefusedException>(ex) is { } refused)
        {
            return refused.Message;
        }

        if (Find<HostLookupException>(ex) is { } lookup)
        {
            return $"DNS lookup failed for host {lookup.Host}";
        }

        var http = Find<HttpRequestException>(ex);
        if (http?.HttpRequestError == HttpRequestError.SecureConnectionError || Find<AuthenticationException>(ex) is not null)
        {
            var detail = Find<AuthenticationException>(ex)?.Message ?? http?.InnerException?.Message ?? http?.Message;
            return $"TLS handshake failed: {detail}";
        }

        if (Find<SocketException>(ex) is { } socket)
        {
            return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.ConnectionReset or SocketError.ConnectionAborted => "connection reset",
                SocketError.TimedOut => "connection timed out",
                SocketError.HostUnreachable => "host unreachable",
                SocketError.NetworkUnreachable or SocketError.NetworkDown => "network unreachable",
                _ => $"connection failed: {socket.SocketErrorCode}",
            };
        }

        return http?.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "DNS lookup failed",
            HttpRequestError.ResponseEnded => "connection closed before the response was complete",
            HttpRequestError.InvalidResponse => "invalid HTTP response",
            HttpRequestError.ConnectionError => $"connection failed: {http.Message}",
            not null => $"request failed: {http.Message}",
            null when ex is IOException => $"connection error: {ex.Message}",
            _ => $"request failed: {ex.GetType().Name}",
        };
    }

    private static T? Find<T>(Exception ex) where T : Exception
    {
        for (Exception? current = ex; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static string ReasonPhrase(int status, string? received)
    {
        var known = ReasonPhrases.GetReasonPhrase(status);
        return known.Length > 0 ? known : Sanitize(received ?? "", 60);
    }

    private static string Shorten(string text) => Sanitize(text, MaxErrorLength - 1);

    /// <summary>One line of at most <paramref name="max"/> characters.</summary>
    private static string Sanitize(string text, int max)
    {
        var builder = new StringBuilder(Math.Min(text.Length, max));
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        var line = builder.ToString().Trim();
        return line.Length <= max ? line : string.Concat(line.AsSpan(0, max - 1), "…");
    }

    private AttemptResult Fail(DeliveryRequest request, string error)
    {
        var result = new AttemptResult(AttemptOutcome.Failed, null, error);
        _logger.LogDebug("Event {EventId}: {Error}", request.EventId, error);
        return result;
    }

    private void LogAttempt(DeliveryRequest request, string target, AttemptResult result, long started)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            _logger.LogDebug("Event {EventId} ({EventName}) to {Target}: {Outcome} {StatusCode} {Error} after {ElapsedMs} ms",
                request.EventId, request.EventName, target, result.Outcome, result.StatusCode, result.Error,
                (long)_time.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private static string NumericVersion(Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";
        var numeric = new string(informational.TakeWhile(c => char.IsAsciiDigit(c) || c == '.').ToArray()).Trim('.');
        return numeric.Length > 0 ? numeric : assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    }
}

/// <summary>Thrown by the connect callback when every address of the host is refused by <see cref="AddressGuard"/>.</summary>
internal sealed class AddressRefusedException(string message) : Exception(message);

/// <summary>Thrown by the connect callback when the host name does not resolve.</summary>
internal sealed class HostLookupException(string host, Exception? inner)
    : Exception($"DNS lookup failed for host {host}", inner)
{
    public string Host { get; } = host;
}
