using System.Net;
using System.Text.RegularExpressions;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Lifecycle;

/// <summary>With SMTP configured, the system notification is e-mailed to the account (spec 6), through a real local SMTP server.</summary>
[TestClass]
[TestCategory("EndToEnd")]
[TestCategory("Interop")]
public sealed partial class EmailNotificationTests
{
    [TestMethod]
    public async Task The_notification_is_mailed_with_a_working_link()
    {
        ExternalTools.Require(ExternalTools.HasAiosmtpd(), "python3-aiosmtpd");
        await using var smtp = await SmtpSink.StartAsync();
        await using var kit = await LifecycleKit.StartAsync(email: "owner@example.com", settings: new Dictionary<string, string>
        {
            ["WebHooks:Smtp:Host"] = "127.0.0.1",
            ["WebHooks:Smtp:Port"] = smtp.Port.ToString(),
            ["WebHooks:Smtp:From"] = "webhooks@example.com",
        });
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Enqueue(new ReceiverResponse(410));
        var webHook = await kit.CreateAsync(receiver.Url());
        var (e1, _) = await kit.PublishAsync(1);
        await kit.WaitUntilInactiveAsync(webHook.Id);

        await LifecycleKit.WaitUntilAsync(() => smtp.Messages().Count > 0, "the e-mail arrives");
        var mail = smtp.Messages().Single();
        Assert.AreEqual("owner@example.com", mail.To.Mailboxes.Single().Address);
        Assert.AreEqual("webhooks@example.com", mail.From.Mailboxes.Single().Address);
        StringAssert.Contains(mail.Subject, $"Webhook {webHook.Id} was deactivated");
        StringAssert.Contains(mail.TextBody, "HTTP 410 Gone");
        StringAssert.Contains(mail.HtmlBody, "Reactivate webhook");

        var link = LinkIn().Match(mail.TextBody).Value;
        Assert.AreEqual($"{kit.Host.BaseUrl}/notifications/{kit.NotificationsOf(webHook.Id).Single().Id}", link[..link.IndexOf('?')]);

        // The link works: its page shows the webhook, and its replay button delivers the buffer.
        using var client = kit.Client();
        using var page = await client.GetAsync(link);
        var html = await page.Content.ReadAsStringAsync();
        Assert.AreEqual(HttpStatusCode.OK, page.StatusCode, html);
        StringAssert.Contains(html, $"Webhook {webHook.Id} is deactivated");
        using var used = await client.PostAsync(link[..link.IndexOf('?')], new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = LifecycleKit.AntiforgeryToken(html),
            ["token"] = Uri.UnescapeDataString(link[(link.IndexOf("token=") + 6)..]),
            ["action"] = "replay",
        }));
        Assert.AreEqual(HttpStatusCode.OK, used.StatusCode);
        await receiver.WaitForRequestsAsync(2, LifecycleKit.Deadline);
        CollectionAssert.AreEqual(new[] { e1, e1 }, LifecycleKit.EventIds(receiver));
    }

    [TestMethod]
    public async Task An_account_without_an_address_gets_no_mail_and_delivery_goes_on()
    {
        ExternalTools.Require(ExternalTools.HasAiosmtpd(), "python3-aiosmtpd");
        await using var smtp = await SmtpSink.StartAsync();
        await using var kit = await LifecycleKit.StartAsync(settings: new Dictionary<string, string>
        {
            ["WebHooks:Smtp:Host"] = "127.0.0.1", ["WebHooks:Smtp:Port"] = smtp.Port.ToString(),
        });
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Enqueue(new ReceiverResponse(410));
        var webHook = await kit.CreateAsync(receiver.Url());
        await kit.PublishAsync(1);
        await kit.WaitUntilInactiveAsync(webHook.Id);
        Assert.AreEqual(1, kit.NotificationsOf(webHook.Id).Count, "stored all the same");
        Assert.AreEqual(0, smtp.Messages().Count);
    }

    [GeneratedRegex(@"https?://\S+/notifications/\d+\?token=[A-Za-z0-9_\-]+")]
    private static partial Regex LinkIn();
}
