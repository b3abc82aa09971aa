using Microsoft.Playwright;
using WebHooks.Tests.Lifecycle;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Pages;

/// <summary>
/// The account page in a real browser (Debian's headless chromium driven by Playwright, no browser download): sign in,
/// see a failing webhook's attempts, activate it with replay, and see the events arrive at a local receiver.
/// Screenshots: account-failing.png, account-activated.png, account-narrow.png (attached to the test's result).
/// </summary>
[TestClass]
[TestCategory("Browser")]
public sealed class AccountBrowserTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [Timeout(180_000, CooperativeCancellation = true)]
    public async Task A_customer_sees_a_failing_webhooks_attempts_and_activates_it_with_replay()
    {
        ExternalTools.Require(File.Exists(HeadlessChromium.Path), "chromium");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");

        await using var kit = await LifecycleKit.StartAsync(settings: new Dictionary<string, string>
        {
            ["WebHooks:Delivery:RetrySchedule:0"] = "00:00:00.050",
            ["WebHooks:Delivery:DeactivateAfterFailures"] = "3",
        });
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Enqueue(new ReceiverResponse(500), new ReceiverResponse(500), new ReceiverResponse(503));
        var webHook = await kit.CreateAsync(receiver.Url());
        var (e1, _) = await kit.PublishAsync(1);
        await kit.WaitUntilInactiveAsync(webHook.Id);
        var (e2, _) = await kit.PublishAsync(2);
        var (e3, _) = await kit.PublishAsync(3);
        await LifecycleKit.WaitUntilAsync(() => kit.Ops.DeliveriesAsync(LifecycleKit.Account, webHook.Id, 10).GetAwaiter().GetResult()!.Count == 3,
            "the three failed attempts are logged");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new() { BaseURL = kit.Host.BaseUrl, ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        var external = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(kit.Host.BaseUrl, StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal)) external.Add(request.Url);
        };
        var consoleErrors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") consoleErrors.Add(message.Text); };

        try
        {
            // The account page sends to the sign-in, which leads back to it.
            await page.GotoAsync("/account");
            StringAssert.Contains(page.Url, "/notifications/signin?next=/account");
            await page.GetByLabel("Account name").FillAsync(LifecycleKit.Account);
            await page.GetByLabel("Password").FillAsync(LifecycleKit.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your webhooks", Exact = true })).ToBeVisibleAsync();
            StringAssert.EndsWith(page.Url, "/account");

            // The failing webhook: deactivated, its buffer, its last error and its three failed attempts.
            var card = page.Locator($"#webhook-{webHook.Id}");
            await Assertions.Expect(card.Locator("[data-field=state]")).ToHaveTextAsync("deactivated");
            await Assertions.Expect(card.Locator("[data-field=bufferedEvents]")).ToHaveTextAsync("3");
            await Assertions.Expect(card.Locator("[data-field=lastError]")).ToContainTextAsync("HTTP 503");
            var rows = card.Locator("table.attempts tbody tr");
            await Assertions.Expect(rows).ToHaveCountAsync(3);
            await Assertions.Expect(rows.Nth(0).Locator("[data-field=attempt]")).ToHaveTextAsync("3");
            await Assertions.Expect(rows.Nth(0).Locator("[data-field=status]")).ToHaveTextAsync("503");
            await Assertions.Expect(rows.Nth(2).Locator("[data-field=attempt]")).ToHaveTextAsync("1");
            await Assertions.Expect(rows.Nth(2).Locator("[data-field=eventId]")).ToHaveTextAsync(e1);
            await Assertions.Expect(rows.Nth(2).Locator("[data-field=result]")).ToContainTextAsync("failed: HTTP 500");
            Assert.IsFalse(kit.Get(webHook.Id).Active, "showing the page changed nothing");
            await HeadlessChromium.ScreenshotAsync(TestContext, page, "account-failing.png");

            // Activate with replay: the buffered events arrive, in order, after the failed attempts.
            await card.GetByRole(AriaRole.Button, new() { Name = "Activate and replay buffered events" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"Webhook {webHook.Id} is active" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText("3 buffered events are being replayed")).ToBeVisibleAsync();
            await receiver.WaitForRequestsAsync(6, LifecycleKit.Deadline);
            CollectionAssert.AreEqual(new[] { e1, e1, e1, e1, e2, e3 }, LifecycleKit.EventIds(receiver), "three failures, then the buffer in publish order");
            Assert.IsTrue(kit.Get(webHook.Id).Active);

            // The page shows the deliveries once they are logged.
            await LifecycleKit.WaitUntilAsync(() => kit.Ops.DeliveriesAsync(LifecycleKit.Account, webHook.Id, 10).GetAwaiter().GetResult()!.Count == 6,
                "the six attempts are logged");
            await page.GotoAsync("/account");
            await Assertions.Expect(card.Locator("[data-field=state]")).ToHaveTextAsync("active");
            await Assertions.Expect(rows).ToHaveCountAsync(6);
            await Assertions.Expect(rows.Nth(0).Locator("[data-field=eventId]")).ToHaveTextAsync(e3);
            await Assertions.Expect(rows.Nth(0).Locator("[data-field=result]")).ToHaveTextAsync("delivered");
            await Assertions.Expect(rows.Nth(2).Locator("[data-field=attempt]")).ToHaveTextAsync("4");
            await HeadlessChromium.ScreenshotAsync(TestContext, page, "account-activated.png");

            // A narrow screen: nothing wider than the viewport but the attempts table, which scrolls in its own box.
            await page.SetViewportSizeAsync(360, 800);
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.IsTrue(overflow <= 0, $"the account page is {overflow}px wider than a 360px screen");
            await HeadlessChromium.ScreenshotAsync(TestContext, page, "account-narrow.png");

            CollectionAssert.AreEqual(Array.Empty<string>(), external, "every asset comes from the service itself");
            CollectionAssert.AreEqual(Array.Empty<string>(), consoleErrors, "no errors in the console (a CSP violation would be one)");
        }
        catch
        {
            await HeadlessChromium.ScreenshotAsync(TestContext, page, "account-failure.png");
            throw;
        }
    }
}
