using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace WebHooks.Bench;

/// <summary>The service's public API as the bench uses it: creating webhooks (JSON binding) and publishing events.</summary>
public sealed class ServiceApi : IDisposable
{
    private readonly HttpClient _http;
    private readonly IReadOnlyList<(string Name, string Password)> _accounts;
    private readonly AuthenticationHeaderValue[] _basic;

    public ServiceApi(string baseUrl, IReadOnlyList<(string Name, string Password)> accounts)
    {
        _accounts = accounts;
        _basic = [.. accounts.Select(a => new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{a.Name}:{a.Password}"))))];
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
        var (name, password) = _accounts[account];
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = name,
            ["password"] = password,
            ["app"] = "bench",
            ["event"] = Payload.EventName,
            ["url"] = url,
        });
        using var reply = await _http.PostAsync("webservice/json/CreateWebHook", form, token);
        var text = await reply.Content.ReadAsStringAsync(token);
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        if (reply.StatusCode != HttpStatusCode.OK || root.GetProperty("error").GetInt32() != 0)
            throw new BenchException($"CreateWebHook for {name} failed: HTTP {(int)reply.StatusCode} {text}");
        return root.GetProperty("result").GetProperty("id").GetInt32();
    }

    /// <summary><c>POST /api/events</c> of event <paramref name="seq"/> by <paramref name="account"/>, stamped at the call; retried twice on failure.</summary>
    public async Task PublishAsync(int account, int seq, CancellationToken token)
    {
        string problem = "";
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            using var content = new ByteArrayContent(Payload.PublishBody(seq));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/events") { Content = content };
            request.Headers.Authorization = _basic[account];
            try
            {
                using var reply = await _http.SendAsync(request, token);
                if (reply.StatusCode == HttpStatusCode.Accepted) return;
                problem = $"HTTP {(int)reply.StatusCode} {await reply.Content.ReadAsStringAsync(token)}";
            }
            catch (HttpRequestException e)
            {
                problem = e.Message;
            }
        }
        throw new BenchException($"publishing event {seq} as {_accounts[account].Name} failed 3 times: {problem}");
    }

    public void Dispose() => _http.Dispose();
}
