using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebHooks.Management;

namespace WebHooks.Tests.Support;

/// <summary>What tests do over HTTP, as a customer or the platform would: the JSON binding and the events API.</summary>
public static class Api
{
    public static async Task<JsonElement> CallAsync(HttpClient http, string function, object parameters)
    {
        var response = await http.PostAsJsonAsync($"webservice/json/{function}", parameters);
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Creates a webhook and returns its id, asserting success.</summary>
    public static async Task<int> CreateWebHookAsync(HttpClient http, string url, string @event = "optin_finalized",
        string user = "demo", string password = "demo", string app = "tests")
    {
        var reply = await CallAsync(http, "CreateWebHook", new { username = user, password, app, @event, url });
        Assert.AreEqual((int)ErrorCode.Ok, reply.GetProperty("error").GetInt32(), reply.ToString());
        return reply.GetProperty("result").GetProperty("id").GetInt32();
    }

    public static async Task<JsonElement> GetWebHookAsync(HttpClient http, int id, string user = "demo", string password = "demo")
    {
        var reply = await CallAsync(http, "GetWebHooks", new { username = user, password });
        return reply.GetProperty("result").EnumerateArray().Single(w => w.GetProperty("id").GetInt32() == id);
    }

    /// <summary>Publishes an event; returns the event id from the 202 reply.</summary>
    public static async Task<string> PublishAsync(HttpClient http, string @event, object data, string user = "demo", string password = "demo")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/events") { Content = JsonContent.Create(new { @event, data }) };
        request.Headers.Authorization = ServiceHost.Basic(user, password);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("eventId").GetString()!;
    }

    /// <summary>Polls until the condition holds, or fails the test after the deadline.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan deadline, string what)
    {
        var until = DateTime.UtcNow + deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail($"timed out after {deadline.TotalSeconds:0} s waiting for: {what}");
            await Task.Delay(50);
        }
    }
}
