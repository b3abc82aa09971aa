using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebHooks.Accounts;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.RestHooks;

/// <summary>What the REST-hooks tests do over HTTP, as an automation platform would: with an API key.</summary>
internal static class RestApi
{
    /// <summary>A new key of the account, made by the same code as <c>accounts apikey NAME</c>.</summary>
    public static async Task<string> NewKeyAsync(ServiceHost host, string account = "demo") =>
        await host.Get<ApiKeys>().CreateAsync(account) ?? throw new AssertFailedException($"no account {account}");

    public static HttpRequestMessage Request(HttpMethod method, string path, string? key, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null) request.Headers.Add("X-API-Key", key);
        if (json is not null) request.Content = JsonContent.Create(json);
        return request;
    }

    public static HttpRequestMessage Raw(HttpMethod method, string path, string? key, string body, string contentType = "application/json")
    {
        var request = Request(method, path, key);
        request.Content = new StringContent(body, Encoding.UTF8);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return request;
    }

    public static async Task<(int Status, string Body, HttpResponseMessage Response)> SendAsync(HttpClient http, HttpRequestMessage request)
    {
        using (request)
        {
            var response = await http.SendAsync(request);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
        }
    }

    public static async Task<JsonElement> JsonAsync(HttpClient http, HttpRequestMessage request, int expectedStatus = 200)
    {
        var (status, body, _) = await SendAsync(http, request);
        Assert.AreEqual(expectedStatus, status, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Subscribes <paramref name="url"/> with <c>POST /api/hooks</c>; the new webhook.</summary>
    public static Task<JsonElement> SubscribeAsync(HttpClient http, string key, string url, string @event = "optin_finalized") =>
        JsonAsync(http, Request(HttpMethod.Post, "api/hooks", key, new { @event, url }), 201);

    public static async Task<string> PublishAsync(HttpClient http, string key, string @event, string data)
    {
        var reply = await JsonAsync(http, Raw(HttpMethod.Post, "api/events", key, $$"""{"event":"{{@event}}","data":{{data}}}"""), 202);
        return reply.GetProperty("eventId").GetString()!;
    }
}
