using System.Net.Http.Headers;
using System.Text.Json;
using WebHooks.Accounts;
using WebHooks.Tests.Support;
using static WebHooks.Tests.RestHooks.RestApi;

namespace WebHooks.Tests.RestHooks;

/// <summary>One authentication on every <c>/api/*</c> endpoint (spec 10): an API key in either header, or HTTP Basic.</summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class ApiAuthenticationTests
{
    /// <summary>Every endpoint of the REST API, as (method, path, body).</summary>
    private static readonly (string Method, string Path, string? Body)[] Endpoints =
    [
        ("GET", "api/me", null),
        ("POST", "api/events", """{"event":"optin_finalized","data":{"id":1}}"""),
        ("GET", "api/events/recent?event=optin_finalized", null),
        ("POST", "api/hooks", """{"event":"optin_finalized","url":"https://example.com/x"}"""),
        ("GET", "api/hooks", null),
        ("GET", "api/hooks/1", null),
        ("DELETE", "api/hooks/1", null),
        ("GET", "api/notifications", null),
    ];

    private static HttpRequestMessage To((string Method, string Path, string? Body) endpoint, Action<HttpRequestHeaders> credentials)
    {
        var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Path);
        if (endpoint.Body is not null) request.Content = new StringContent(endpoint.Body, MediaTypeHeaderValue.Parse("application/json"));
        credentials(request.Headers);
        return request;
    }

    [TestMethod]
    public async Task Every_endpoint_takes_a_key_as_x_api_key_or_bearer_and_basic_credentials()
    {
        await using var host = await ServiceHost.StartAsync();
        var key = await NewKeyAsync(host);
        Action<HttpRequestHeaders>[] ways =
        [
            h => h.Add("X-API-Key", key),
            h => h.Authorization = new AuthenticationHeaderValue("Bearer", key),
            h => h.Authorization = ServiceHost.Basic("demo", "demo"),
        ];

        foreach (var way in ways)
        {
            Assert.AreEqual("""{"account":"demo"}""", (await SendAsync(host.Http, To(Endpoints[0], way))).Body);
            foreach (var endpoint in Endpoints)
            {
                var (status, body, _) = await SendAsync(host.Http, To(endpoint, way));
                Assert.IsTrue(status is >= 200 and < 300 or 404, $"{endpoint.Method} {endpoint.Path}: {status} {body}");
            }
        }
    }

    [TestMethod]
    public async Task Without_valid_credentials_every_endpoint_is_401_with_both_challenges()
    {
        await using var host = await ServiceHost.StartAsync();
        var revoked = await NewKeyAsync(host);
        Assert.IsTrue(await host.Get<ApiKeys>().RevokeAsync("demo", revoked));
        var unknown = "whk_" + new string('A', 43);
        (string Why, Action<HttpRequestHeaders> Credentials)[] refusals =
        [
            ("no credentials", _ => { }),
            ("an unknown key", h => h.Add("X-API-Key", unknown)),
            ("an unknown bearer key", h => h.Authorization = new AuthenticationHeaderValue("Bearer", unknown)),
            ("a revoked key", h => h.Add("X-API-Key", revoked)),
            ("a malformed key", h => h.Add("X-API-Key", "not-a-key")),
            ("a wrong password", h => h.Authorization = ServiceHost.Basic("demo", "wrong")),
            ("another scheme", h => h.Authorization = new AuthenticationHeaderValue("Digest", "x")),
        ];

        foreach (var (why, credentials) in refusals)
        {
            foreach (var endpoint in Endpoints)
            {
                var (status, body, response) = await SendAsync(host.Http, To(endpoint, credentials));
                Assert.AreEqual(401, status, $"{why}, {endpoint.Method} {endpoint.Path}: {body}");
                Assert.IsTrue(JsonDocument.Parse(body).RootElement.TryGetProperty("error", out _), body);
                CollectionAssert.AreEqual(new[] { "Basic", "Bearer" }, response.Headers.WwwAuthenticate.Select(c => c.Scheme).ToArray());
            }
        }
        Assert.AreEqual(0, (await Api.CallAsync(host.Http, "GetWebHooks", new { username = "demo", password = "demo" })).GetProperty("result").GetArrayLength(),
            "nothing was created");
    }

    [TestMethod]
    public async Task A_key_is_not_subject_to_the_password_throttle()
    {
        await using var host = await ServiceHost.StartAsync();
        var key = await NewKeyAsync(host);
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
            Assert.AreEqual(401, (await SendAsync(host.Http, To(Endpoints[0], h => h.Authorization = ServiceHost.Basic("demo", "guess" + i)))).Status);
        Assert.AreEqual(401, (await SendAsync(host.Http, To(Endpoints[0], h => h.Authorization = ServiceHost.Basic("demo", "demo")))).Status,
            "the password is throttled now");

        Assert.AreEqual(200, (await SendAsync(host.Http, To(Endpoints[0], h => h.Add("X-API-Key", key)))).Status, "the key still works");
    }

    [TestMethod]
    public async Task Unknown_keys_from_one_client_are_refused_without_a_look_up_past_the_limit_while_passwords_still_work()
    {
        await using var host = await ServiceHost.StartAsync();
        var key = await NewKeyAsync(host);
        // The allowance refills once a minute, on the limiter's own timer: a refill may fall within the loop, so it
        // may take up to twice the allowance to use it up.
        var refused = -1;
        for (var i = 0; i <= 2 * FailedApiKeyLimiter.FailuresPerMinute && refused < 0; i++)
        {
            var guess = (await SendAsync(host.Http, To(Endpoints[0], h => h.Add("X-API-Key", $"whk_{i:D43}")))).Status;
            if (guess == 429) refused = i;
            else Assert.AreEqual(401, guess, $"guess {i}");
        }
        Assert.IsTrue(refused >= FailedApiKeyLimiter.FailuresPerMinute, $"refused after {refused} unknown keys");

        var (status, body, response) = await SendAsync(host.Http, To(Endpoints[0], h => h.Add("X-API-Key", key)));
        Assert.AreEqual(429, status, "this client has used up its unknown keys: no key is looked up, not even a valid one");
        StringAssert.Contains(body, "too many unknown API keys");
        Assert.AreEqual(TimeSpan.FromSeconds(60), response.Headers.RetryAfter?.Delta);

        Assert.AreEqual(200, (await SendAsync(host.Http, To(Endpoints[0], h => h.Authorization = ServiceHost.Basic("demo", "demo")))).Status,
            "passwords are limited separately");
    }
}
