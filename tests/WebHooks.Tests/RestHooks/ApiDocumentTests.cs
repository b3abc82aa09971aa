using System.Text.Json;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.RestHooks;

/// <summary>The OpenAPI document of <c>/api/*</c>: what it describes is what the service serves.</summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class ApiDocumentTests
{
    [TestMethod]
    public async Task The_document_lists_every_endpoint_with_its_methods_and_the_three_ways_to_authenticate()
    {
        await using var host = await ServiceHost.StartAsync();

        using var response = await host.Http.GetAsync("openapi/v1.json");

        Assert.AreEqual(200, (int)response.StatusCode);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        StringAssert.StartsWith(document.GetProperty("openapi").GetString(), "3.");
        var paths = document.GetProperty("paths").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateObject().Select(m => m.Name).Order().ToArray());
        var expected = new Dictionary<string, string[]>
        {
            ["/api/me"] = ["get"],
            ["/api/events"] = ["post"],
            ["/api/events/recent"] = ["get"],
            ["/api/hooks"] = ["get", "post"],
            ["/api/hooks/{id}"] = ["delete", "get"],
            ["/api/notifications"] = ["get"],
        };
        CollectionAssert.AreEquivalent(expected.Keys.ToArray(), paths.Keys.ToArray(), "the REST API and nothing else (no SOAP, JSON binding or admin)");
        foreach (var (path, methods) in expected) CollectionAssert.AreEqual(methods, paths[path], path);

        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.AreEqual(("apiKey", "header", "X-API-Key"), (schemes.GetProperty("apiKey").GetProperty("type").GetString(),
            schemes.GetProperty("apiKey").GetProperty("in").GetString(), schemes.GetProperty("apiKey").GetProperty("name").GetString()));
        Assert.AreEqual(("http", "bearer"), (schemes.GetProperty("bearer").GetProperty("type").GetString(), schemes.GetProperty("bearer").GetProperty("scheme").GetString()));
        Assert.AreEqual(("http", "basic"), (schemes.GetProperty("basic").GetProperty("type").GetString(), schemes.GetProperty("basic").GetProperty("scheme").GetString()));
        CollectionAssert.AreEquivalent(new[] { "apiKey", "bearer", "basic" },
            document.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name)).ToArray(), "any one of them");

        var webHook = document.GetProperty("components").GetProperty("schemas").GetProperty("WebHook").GetProperty("properties");
        CollectionAssert.AreEqual(new[] { "id", "app", "event", "url", "active", "created", "deactivated", "bufferedEvents", "lastError", "secret" },
            webHook.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.AreEqual("integer", webHook.GetProperty("id").GetProperty("type").GetString());
        var created = document.GetProperty("paths").GetProperty("/api/hooks").GetProperty("post").GetProperty("responses");
        Assert.IsTrue(created.TryGetProperty("201", out _) && created.TryGetProperty("400", out _), created.ToString());
        var subscription = document.GetProperty("paths").GetProperty("/api/hooks").GetProperty("post").GetProperty("requestBody")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema");
        CollectionAssert.AreEqual(new[] { "event", "url", "app" }, subscription.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "event", "url" }, subscription.GetProperty("required").EnumerateArray().Select(p => p.GetString()).ToArray(), "app is optional");
    }
}
