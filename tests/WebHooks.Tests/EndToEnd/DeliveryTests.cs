using System.Text.Json;
using StandardWebhooks;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.EndToEnd;

/// <summary>Events published through the API reach real receivers: signed, in order, isolated from slow URLs, retried.</summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class DeliveryTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [TestMethod]
    public async Task Events_arrive_signed_with_the_standard_headers_and_in_publish_order()
    {
        await using var host = await ServiceHost.StartAsync();
        await using var receiver = await TestReceiver.StartAsync();
        var id = await Api.CreateWebHookAsync(host.Http, receiver.Url("/orders"));
        var secret = (await Api.GetWebHookAsync(host.Http, id)).GetProperty("secret").GetString()!;

        const int count = 300;
        var eventIds = new List<string>();
        for (var i = 0; i < count; i++)
            eventIds.Add(await Api.PublishAsync(host.Http, "optin_finalized", new { id = i, fields = new[] { new { id = 1, value = $"user{i}@example.com" } } }));

        var received = await receiver.WaitForRequestsAsync(count, Deadline);

        CollectionAssert.AreEqual(Enumerable.Range(0, count).ToArray(), received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("id").GetInt32()).ToArray(), "publish order");
        CollectionAssert.AreEqual(eventIds, received.Select(r => r.Header("webhook-id")).ToList());
        var verifier = new StandardWebhook(secret);
        foreach (var request in received)
        {
            Assert.AreEqual("POST", request.Method);
            Assert.AreEqual("/orders", request.Path);
            Assert.AreEqual("application/json", request.Header("Content-Type"));
            Assert.AreEqual("optin_finalized", request.Header("webhook-event"));
            StringAssert.StartsWith(request.Header("User-Agent"), "WebHooks/");
            verifier.Verify(request.BodyText, request.Headers); // throws when the signature is wrong
        }
        Assert.AreEqual(0, receiver.Requests.Count(r => r.Path != "/orders"));
    }

    [TestMethod]
    public async Task Only_matching_webhooks_of_the_publishing_account_receive_the_event()
    {
        await using var host = await ServiceHost.StartAsync();
        await host.AddAccountAsync("other", "other-pw");
        await using var receiver = await TestReceiver.StartAsync();
        await Api.CreateWebHookAsync(host.Http, receiver.Url("/optin"), "optin_finalized");
        await Api.CreateWebHookAsync(host.Http, receiver.Url("/optout"), "optout_finalized");
        await Api.CreateWebHookAsync(host.Http, receiver.Url("/other"), "optin_finalized", user: "other", password: "other-pw");

        await Api.PublishAsync(host.Http, "optin_finalized", new { n = 1 });
        await Api.PublishAsync(host.Http, "optout_finalized", new { n = 2 });

        var received = await receiver.WaitForRequestsAsync(2, Deadline);
        var byPath = received.ToDictionary(r => r.Path, r => r.BodyText);
        Assert.AreEqual("{\"n\":1}", byPath["/optin"]);
        Assert.AreEqual("{\"n\":2}", byPath["/optout"]);
        await Api.PublishAsync(host.Http, "optin_finalized", new { n = 3 }, "other", "other-pw");
        var third = await receiver.WaitForRequestsAsync(3, Deadline);
        Assert.AreEqual("/other", third[2].Path);
    }

    [TestMethod]
    public async Task A_hanging_url_does_not_delay_a_healthy_one()
    {
        await using var host = await ServiceHost.StartAsync(settings: new Dictionary<string, string> { ["WebHooks:Delivery:Timeout"] = "00:01:00" });
        await using var hanging = await TestReceiver.StartAsync();
        await using var healthy = await TestReceiver.StartAsync();
        hanging.DefaultResponse = new ReceiverResponse { Delay = TimeSpan.FromMinutes(2) };
        await Api.CreateWebHookAsync(host.Http, hanging.Url());
        await Api.CreateWebHookAsync(host.Http, healthy.Url());

        for (var i = 0; i < 50; i++) await Api.PublishAsync(host.Http, "optin_finalized", new { i });

        var received = await healthy.WaitForRequestsAsync(50, TimeSpan.FromSeconds(10));
        Assert.AreEqual(50, received.Count);
        Assert.AreEqual(1, hanging.Count, "the hanging URL holds its first event; the rest wait behind it");
    }

    [TestMethod]
    public async Task A_failed_event_is_retried_and_the_events_behind_it_wait()
    {
        await using var host = await ServiceHost.StartAsync(settings: new Dictionary<string, string>
        {
            ["WebHooks:Delivery:RetrySchedule:0"] = "00:00:00.200",
        });
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Enqueue(new ReceiverResponse(500), new ReceiverResponse(503) { RetryAfter = "0" });
        var id = await Api.CreateWebHookAsync(host.Http, receiver.Url());

        for (var i = 0; i < 5; i++) await Api.PublishAsync(host.Http, "optin_finalized", new { i });

        var received = await receiver.WaitForRequestsAsync(7, Deadline);
        CollectionAssert.AreEqual(new[] { 0, 0, 0, 1, 2, 3, 4 }, received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("i").GetInt32()).ToArray());
        Assert.AreEqual(1, received.Take(3).Select(r => r.Header("webhook-id")).Distinct().Count(), "a retry carries the same webhook-id");
        var webHook = await Api.GetWebHookAsync(host.Http, id);
        Assert.AreEqual(1, webHook.GetProperty("active").GetInt32());
        StringAssert.Contains(webHook.GetProperty("lastError").GetString(), "503");
    }
}
