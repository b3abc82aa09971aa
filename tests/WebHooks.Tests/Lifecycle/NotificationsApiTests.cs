using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Lifecycle;

/// <summary><c>GET /api/notifications</c> (spec 6): the account's notifications, newest first.</summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class NotificationsApiTests
{
    [TestMethod]
    public async Task Lists_the_accounts_notifications_newest_first_with_their_fields()
    {
        await using var kit = await LifecycleKit.StartAsync();
        await kit.Host.AddAccountAsync("other", "other-pw");
        await using var receiver = await TestReceiver.StartAsync();
        receiver.DefaultResponse = new ReceiverResponse(410);
        var first = await kit.CreateAsync(receiver.Url("/first"));
        await kit.PublishAsync(1);
        await kit.WaitUntilInactiveAsync(first.Id);
        var second = await kit.CreateAsync(receiver.Url("/second"));
        await kit.PublishAsync(2);
        await kit.WaitUntilInactiveAsync(second.Id);

        using var client = kit.Client(cookies: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/notifications");
        request.Headers.Authorization = ServiceHost.Basic(LifecycleKit.Account, LifecycleKit.Password);
        using var response = await client.SendAsync(request);
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.AreEqual("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var list = json.RootElement.EnumerateArray().ToList();

        Assert.AreEqual(2, list.Count);
        CollectionAssert.AreEqual(new[] { second.Id, first.Id }, list.Select(n => n.GetProperty("webhookId").GetInt32()).ToArray(), "newest first");
        foreach (var n in list)
        {
            Assert.IsTrue(n.GetProperty("id").GetInt32() > 0);
            Assert.AreEqual("webhook_deactivated", n.GetProperty("type").GetString());
            StringAssert.Matches(n.GetProperty("created").GetString(), new System.Text.RegularExpressions.Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"));
            StringAssert.Contains(n.GetProperty("message").GetString(), "410 Gone");
            var url = n.GetProperty("activationUrl").GetString()!;
            StringAssert.StartsWith(url, $"{kit.Host.BaseUrl}/notifications/{n.GetProperty("id").GetInt32()}?token=");

            // The link works as it is.
            using var page = await client.GetAsync(url);
            Assert.AreEqual(HttpStatusCode.OK, page.StatusCode);
            StringAssert.Contains(await page.Content.ReadAsStringAsync(), $"Webhook {n.GetProperty("webhookId").GetInt32()}");
        }

        // Another account sees none of them; no credentials, no list.
        using var other = new HttpRequestMessage(HttpMethod.Get, "api/notifications");
        other.Headers.Authorization = ServiceHost.Basic("other", "other-pw");
        using var otherResponse = await client.SendAsync(other);
        Assert.AreEqual("[]", (await otherResponse.Content.ReadAsStringAsync()).Trim());
        using var anonymous = await client.GetAsync("api/notifications");
        Assert.AreEqual(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.AreEqual("Basic", anonymous.Headers.WwwAuthenticate.FirstOrDefault()?.Scheme);
    }

    [TestMethod]
    public async Task Activation_urls_use_the_configured_public_base_url()
    {
        await using var kit = await LifecycleKit.StartAsync(settings: new Dictionary<string, string> { ["WebHooks:PublicBaseUrl"] = "https://hooks.example.com/base/" });
        await using var receiver = await TestReceiver.StartAsync();
        receiver.DefaultResponse = new ReceiverResponse(410);
        var webHook = await kit.CreateAsync(receiver.Url());
        await kit.PublishAsync(1);
        await kit.WaitUntilInactiveAsync(webHook.Id);

        using var client = kit.Client(cookies: false);
        client.DefaultRequestHeaders.Authorization = ServiceHost.Basic(LifecycleKit.Account, LifecycleKit.Password);
        using var json = JsonDocument.Parse(await client.GetStringAsync("api/notifications"));
        StringAssert.StartsWith(json.RootElement[0].GetProperty("activationUrl").GetString(), "https://hooks.example.com/base/notifications/");
    }
}
