using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace WebHooks.Bench;

/// <summary>
/// The service's public API as the bench uses it: the management functions (JSON binding) and publishing events.
/// With several instances (PostgreSQL), management goes to the first and publishing round-robin to all of them.
/// </summary>
public sealed class ServiceApi : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri[] _instances;
    private readonly bool _httpClientPublishers;
    private readonly IReadOnlyList<(string Name, string Password)> _accounts;
    private readonly AuthenticationHeaderValue[] _basic;
    private readonly byte[][][] _publishHeads; // per instance and account, for the Publisher threads

    public ServiceApi(string baseUrl, IReadOnlyList<(string Name, string Password)> accounts, bool httpClientPublishers = false)
        : this([baseUrl], accounts, httpClientPublishers)
    {
    }

    /// <param name="httpClientPublishers">
    /// <see cref="PublishManyAsync"/> publishes with the <see cref="HttpClient"/> on the thread pool, as the bench did until
    /// 2026-12 (<c>--http-client-publishers</c>), instead of <see cref="Publisher"/> threads.
    /// </param>
    public ServiceApi(IReadOnlyList<string> baseUrls, IReadOnlyList<(string Name, string Password)> accounts, bool httpClientPublishers = false)
    {
        _instances = [.. baseUrls.Select(u => new Uri(u + "/"))];
        _httpClientPublishers = httpClientPublishers;
        var baseUrl = baseUrls[0];
        _accounts = accounts;
        _basic = [.. accounts.Select(a => new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{a.Name}:{a.Password}"))))];
        _publishHeads = [.. _instances.Select(i => _basic.Select(b => Publisher.Head(i, b)).ToArray())];
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri(baseUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary><c>CreateWebHook</c> with form fields; the new webhook's id.</summary>
    public async Task<int> CreateWebHookAsync(int account, string url, CancellationToken token)
    {
        using var json = await CallAsync("CreateWebHook", account, new() { ["app"] = "bench", ["event"] = Payload.EventName, ["url"] = url }, token);
        return json.RootElement.GetProperty("result").GetProperty("id").GetInt32();
    }

    /// <summary><c>GetWebHooks</c> of the account: the reply's <c>result</c> array (the caller disposes the document).</summary>
    public Task<JsonDocument> GetWebHooksAsync(int account, CancellationToken token) => CallAsync("GetWebHooks", account, [], token);

    /// <summary><c>ActivateWebHook</c>: the reply (the caller disposes it).</summary>
    public Task<JsonDocument> ActivateWebHookAsync(int account, int webHookId, bool replay, CancellationToken token) =>
        CallAsync("ActivateWebHook", account, new() { ["webhookId"] = webHookId.ToString(System.Globalization.CultureInfo.InvariantCulture), ["replayEvents"] = replay ? "1" : "0" }, token);

    /// <summary>A management function with form fields, as the account; throws unless it succeeded.</summary>
    private async Task<JsonDocument> CallAsync(string function, int account, Dictionary<string, string> fields, CancellationToken token)
    {
        var (name, password) = _accounts[account];
        fields["username"] = name;
        fields["password"] = password;
        using var form = new FormUrlEncodedContent(fields);
        using var reply = await _http.PostAsync("webservice/json/" + function, form, token);
        var text = await reply.Content.ReadAsStringAsync(token);
        var json = JsonDocument.Parse(text);
        if (reply.StatusCode != HttpStatusCode.OK || json.RootElement.GetProperty("error").GetInt32() != 0)
        {
            json.Dispose();
            throw new BenchException($"{function} for {name} failed: HTTP {(int)reply.StatusCode} {text}");
        }
        return json;
    }

    /// <summary><c>POST /api/events</c> of event <paramref name="seq"/> by <paramref name="account"/>, stamped at the call; retried twice on failure.</summary>
    public async Task PublishAsync(int account, int seq, CancellationToken token, Tally? tally = null)
    {
        tally?.Publishing(seq, Stopwatch.GetTimestamp());
        string problem = "";
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            using var content = new ByteArrayContent(Payload.PublishBody(seq));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_instances[(uint)seq % _instances.Length], "api/events")) { Content = content };
            request.Headers.Authorization = _basic[account];
            try
            {
                using var reply = await _http.SendAsync(request, token);
                if (reply.StatusCode == HttpStatusCode.Accepted)
                {
                    tally?.Published(seq, Stopwatch.GetTimestamp());
                    return;
                }
                problem = $"HTTP {(int)reply.StatusCode} {await reply.Content.ReadAsStringAsync(token)}";
            }
            catch (HttpRequestException e)
            {
                problem = e.Message;
            }
        }
        throw new BenchException($"publishing event {seq} as {_accounts[account].Name} failed 3 times: {problem}");
    }

    /// <summary>
    /// Publishes <paramref name="count"/> events by <paramref name="publishers"/> concurrent closed-loop publishers: event i
    /// as <paramref name="account"/>(i), with seq <paramref name="firstSeq"/> + i. <paramref name="acknowledged"/> is told
    /// each acknowledged i. When <paramref name="token"/> ends it, it stops publishing and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public Task PublishManyAsync(int count, int publishers, Func<int, int> account, int firstSeq, Tally? tally, CancellationToken token, Action<int>? acknowledged = null)
    {
        var next = -1;
        if (_httpClientPublishers)
        {
            return Task.WhenAll(Enumerable.Range(0, publishers).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    await PublishAsync(account(i), firstSeq + i, token, tally);
                    acknowledged?.Invoke(i);
                }
            }));
        }

        return Task.WhenAll(Enumerable.Range(0, publishers).Select(_ =>
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            new Thread(() =>
            {
                try
                {
                    using var publisher = new Publisher(_instances, _publishHeads, _accounts);
                    using var stop = token.Register(publisher.Dispose);
                    int i;
                    while (!token.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < count)
                    {
                        publisher.Publish(account(i), firstSeq + i, tally);
                        acknowledged?.Invoke(i);
                    }
                    token.ThrowIfCancellationRequested();
                    done.SetResult();
                }
                catch (Exception) when (token.IsCancellationRequested)
                {
                    done.SetCanceled(token);
                }
                catch (Exception e)
                {
                    done.SetException(e);
                }
            }, maxStackSize: 256 * 1024) { IsBackground = true, Name = "publisher" }.Start();
            return done.Task;
        }));
    }

    public void Dispose() => _http.Dispose();
}
