using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Lifecycle;

/// <summary>
/// The notification page and the reactivation link in a real browser (Debian's headless chromium driven by
/// Playwright, no browser download): sign in, open the notification's link, replay with the keyboard.
/// </summary>
[TestClass]
[TestCategory("Browser")]
public sealed class BrowserReactivationTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task A_browser_signs_in_opens_the_link_and_replays_the_buffer_in_order()
    {
        ExternalTools.Require(File.Exists(HeadlessChromium.Path), "chromium");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");

        await using var kit = await LifecycleKit.StartAsync();
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Enqueue(new ReceiverResponse(410));
        var webHook = await kit.CreateAsync(receiver.Url());
        var (e1, _) = await kit.PublishAsync(1);
        await kit.WaitUntilInactiveAsync(webHook.Id);
        var (e2, _) = await kit.PublishAsync(2);
        var (e3, _) = await kit.PublishAsync(3);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new() { BaseURL = kit.Host.BaseUrl });
        var page = await context.NewPageAsync();
        var external = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(kit.Host.BaseUrl, StringComparison.Ordinal)) external.Add(request.Url);
        };

        try
        {
            // The account page sends to the sign-in form; sign in with the keyboard only.
            await page.GotoAsync("/notifications");
            StringAssert.EndsWith(page.Url, "/notifications/signin");
            await page.GetByLabel("Account name").FocusAsync();
            await page.Keyboard.TypeAsync(LifecycleKit.Account);
            await page.Keyboard.PressAsync("Tab");
            await page.Keyboard.TypeAsync(LifecycleKit.Password);
            await page.Keyboard.PressAsync("Enter");
            // Polls the address. WaitForURLAsync waits for a navigation event: once in CI the page was signed in at
            // /notifications (its screenshot) while that wait ran out after 30 s.
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/notifications$"));
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Webhook {webHook.Id} deactivated" })).ToBeVisibleAsync();

            // The link from the notification: its page changes nothing until a button is used.
            await page.GetByRole(AriaRole.Link, new() { Name = $"Reactivate webhook {webHook.Id}" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Webhook {webHook.Id} is deactivated" })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-field=bufferedEvents]")).ToHaveTextAsync("3");
            await Assertions.Expect(page.Locator("[data-field=lastError]")).ToHaveTextAsync("HTTP 410 Gone");
            Assert.IsFalse(kit.Get(webHook.Id).Active);
            await HeadlessChromium.ScreenshotAsync(TestContext, page, "reactivation-link.png");

            var replay = page.GetByRole(AriaRole.Button, new() { Name = "Activate and replay buffered events" });
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Activate", Exact = true })).ToBeVisibleAsync();
            await replay.FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Webhook {webHook.Id} activated" })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-field=replayedEvents]")).ToHaveTextAsync("3");

            await receiver.WaitForRequestsAsync(4, LifecycleKit.Deadline);
            CollectionAssert.AreEqual(new[] { e1, e1, e2, e3 }, LifecycleKit.EventIds(receiver), "the 410 attempt, then the buffer in publish order");
            Assert.IsTrue(kit.Get(webHook.Id).Active);
            CollectionAssert.AreEqual(Array.Empty<string>(), external, "every asset comes from the service itself");

            // Back on the link: used.
            await page.GoBackAsync();
            await page.ReloadAsync();
            await Assertions.Expect(page.GetByText("This link was already used")).ToBeVisibleAsync();
        }
        finally
        {
            await HeadlessChromium.ScreenshotAsync(TestContext, page, "reactivation-end.png");
        }
    }
}
