using System.Net;
using System.Text.Json;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Lifecycle;

/// <summary>When a webhook is deactivated (spec 6): after N failures in a row, a success resets the count, at once on 410.</summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class FailureCountTests
{
    private static readonly Dictionary<string, string> ShortRetries = new()
    {
        ["WebHooks:Delivery:RetrySchedule:0"] = "00:00:00.050",
        ["WebHooks:Delivery:DeactivateAfterFailures"] = "3",
    };

    [TestMethod]
    public async Task Deactivates_after_exactly_DeactivateAfterFailures_failed_attempts()
    {
        await using var kit = await LifecycleKit.StartAsync(settings: ShortRetries);
        await using var receiver = await TestReceiver.StartAsync();
        receiver.DefaultResponse = new ReceiverResponse(500);
        var webHook = await kit.CreateAsync(receiver.Url());

        var (eventId, kept) = await kit.PublishAsync(1);
        Assert.AreEqual(1, kept);
        await kit.WaitUntilInactiveAsync(webHook.Id);

        Assert.AreEqual(3, receiver.Count, "attempts before the deactivation");
        CollectionAssert.AreEqual(new[] { eventId, eventId, eventId }, LifecycleKit.EventIds(receiver));
        var after = kit.Get(webHook.Id);
        Assert.IsFalse(after.Active);
        Assert.IsNotNull(after.Deactivated);
        StringAssert.Contains(after.LastError, "500");
        Assert.AreEqual(1, after.BufferedEvents, "the undelivered event is buffered");
        Assert.AreEqual(3, kit.Record(webHook.Id).Failures);

        var notification = kit.NotificationsOf(webHook.Id).Single();
        Assert.AreEqual("webhook_deactivated", notification.Type);
        StringAssert.Contains(notification.Message, "3 deliveries in a row failed");
    }

    [TestMethod]
    public async Task A_success_resets_the_failure_count()
    {
        await using var kit = await LifecycleKit.StartAsync(settings: ShortRetries);
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Enqueue(new ReceiverResponse(500), new ReceiverResponse(500), new ReceiverResponse(200));
        receiver.DefaultResponse = new ReceiverResponse(503);
        var webHook = await kit.CreateAsync(receiver.Url());

        var (first, _) = await kit.PublishAsync(1);
        await receiver.WaitForRequestsAsync(3, LifecycleKit.Deadline);
        await LifecycleKit.WaitUntilAsync(() => kit.Record(webHook.Id).Offset.Delivered > 0, "the success is recorded");
        Assert.AreEqual(0, kit.Record(webHook.Id).Failures, "a success resets the count");
        Assert.IsTrue(kit.Get(webHook.Id).Active);

        // Two failures before the success do not count: it takes three new ones.
        var (second, _) = await kit.PublishAsync(2);
        await kit.WaitUntilInactiveAsync(webHook.Id);
        CollectionAssert.AreEqual(new[] { first, first, first, second, second, second }, LifecycleKit.EventIds(receiver));
        StringAssert.Contains(kit.Get(webHook.Id).LastError, "503");
        Assert.AreEqual(1, kit.NotificationsOf(webHook.Id).Count, "one notification per deactivation");
    }

    [TestMethod]
    public async Task Gone_deactivates_at_once_and_GetWebHooks_shows_it()
    {
        await using var kit = await LifecycleKit.StartAsync(settings: ShortRetries);
        await using var receiver = await TestReceiver.StartAsync();
        receiver.DefaultResponse = new ReceiverResponse(410);
        var webHook = await kit.CreateAsync(receiver.Url());

        await kit.PublishAsync(1);
        await kit.WaitUntilInactiveAsync(webHook.Id);
        await kit.PublishAsync(2);
        Assert.AreEqual(1, receiver.Count, "no retry after 410 Gone");

        // As a client of the JSON binding sees it.
        using var client = kit.Client();
        using var response = await client.PostAsync("webservice/json/GetWebHooks", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = LifecycleKit.Account, ["password"] = LifecycleKit.Password,
        }));
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.AreEqual(0, json.RootElement.GetProperty("error").GetInt32());
        var listed = json.RootElement.GetProperty("result").EnumerateArray().Single(w => w.GetProperty("id").GetInt32() == webHook.Id);
        Assert.AreEqual(0, listed.GetProperty("active").GetInt32());
        StringAssert.Matches(listed.GetProperty("deactivated").GetString(), new System.Text.RegularExpressions.Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"));
        StringAssert.Contains(listed.GetProperty("lastError").GetString(), "410");
        Assert.AreEqual(2, listed.GetProperty("bufferedEvents").GetInt32());

        var notification = kit.NotificationsOf(webHook.Id).Single();
        StringAssert.Contains(notification.Message, "410 Gone");
        Assert.AreEqual(1, kit.Record(webHook.Id).Failures);
    }
}
