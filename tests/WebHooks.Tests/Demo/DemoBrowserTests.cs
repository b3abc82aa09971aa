using Microsoft.Playwright;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Demo;

/// <summary>
/// The demo page in headless Debian chromium (Playwright drives it; no browser is downloaded):
/// CreateWebHook run from the form shows error 0 and the new id, GetWebHooks lists it, the page
/// loads nothing from elsewhere, and it fits a narrow screen. Screenshots are kept as test results.
/// </summary>
[TestClass]
[TestCategory("Browser")]
public sealed class DemoBrowserTests
{
    private static readonly float Timeout = 30_000;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [Timeout(180_000, CooperativeCancellation = true)]
    public async Task Create_then_list_a_webhook_from_the_page()
    {
        ExternalProgram.RequireFile(HeadlessChromium.Path, "apt-get install -y chromium");
        await using var host = await ServiceHost.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1100 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);
        var foreign = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(host.BaseUrl + "/", StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
                foreign.Add(request.Url);
        };
        var consoleErrors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") consoleErrors.Add(message.Text); };
        page.PageError += (_, error) => consoleErrors.Add(error);

        await page.GotoAsync(host.BaseUrl + "/demo");
        await page.Locator("html[data-demo-ready='true']").WaitForAsync();

        // CreateWebHook, filled in through the labelled fields.
        await page.GetByLabel("Function", new() { Exact = true }).SelectOptionAsync("CreateWebHook");
        await page.Locator("#account-username").FillAsync("demo");
        await page.Locator("#account-password").FillAsync("demo");
        await page.Locator("#CreateWebHook-app").FillAsync("browser-test");
        await page.Locator("#CreateWebHook-event").SelectOptionAsync("profilemanager_finalized");
        await page.Locator("#CreateWebHook-url").FillAsync("http://127.0.0.1:9/browser");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run CreateWebHook" }).ClickAsync();

        var status = page.Locator("#status");
        await Assertions.Expect(status).ToContainTextAsync("error 0: successfully executed", new() { Timeout = Timeout });
        var id = (await page.Locator("#decoded .result dd[data-field='id']").InnerTextAsync()).Trim();
        Assert.IsTrue(int.TryParse(id, out var webHookId) && webHookId > 0, $"the new id is shown: '{id}'");
        await Assertions.Expect(page.Locator("#soap-request")).ToContainTextAsync("<CreateWebHook xmlns=\"urn:webhooks:soap\">");
        await Assertions.Expect(page.Locator("#soap-response")).ToContainTextAsync("CreateWebHookResponse");
        await Assertions.Expect(page.Locator("#code-php-rpc")).ToContainTextAsync("'browser-test', 'profilemanager_finalized'");
        await HeadlessChromium.ScreenshotAsync(TestContext, page, "demo-create.png");

        // GetWebHooks lists it; the id was filled in for the two functions that take one.
        await page.GetByLabel("Function", new() { Exact = true }).SelectOptionAsync("GetWebHooks");
        await Assertions.Expect(page.Locator("fieldset[data-function='GetWebHooks']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("fieldset[data-function='CreateWebHook']")).ToBeHiddenAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Run GetWebHooks" }).ClickAsync();
        await Assertions.Expect(status).ToContainTextAsync("error 0: successfully executed");
        var row = page.Locator("#decoded table tbody tr", new() { Has = page.Locator($"td[data-field='id']:text-is('{webHookId}')") });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator("td[data-field='app']")).ToHaveTextAsync("browser-test");
        await Assertions.Expect(row.Locator("td[data-field='event']")).ToHaveTextAsync("profilemanager_finalized");
        Assert.AreEqual(id, await page.Locator("#DeleteWebHookById-webhookId").InputValueAsync());
        await HeadlessChromium.ScreenshotAsync(TestContext, page, "demo-page.png");

        // The sample code follows the function; the tabs answer the arrow keys.
        await Assertions.Expect(page.Locator("#code-curl")).ToContainTextAsync("<GetWebHooks xmlns=\"urn:webhooks:soap\">");
        await page.Locator("#tab-php-rpc").FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await Assertions.Expect(page.Locator("#tab-php-doc")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#panel-php-doc")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#panel-php-rpc")).ToBeHiddenAsync();

        // A narrow screen: one column, nothing wider than the viewport.
        await page.SetViewportSizeAsync(360, 800);
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.IsTrue(overflow <= 0, $"the page is {overflow}px wider than a 360px screen");
        await HeadlessChromium.ScreenshotAsync(TestContext, page, "demo-narrow.png", fullPage: true);

        await page.GotoAsync(host.BaseUrl + "/");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Try it in the Web Service Demo" })).ToBeVisibleAsync();
        overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.IsTrue(overflow <= 0, $"the landing page is {overflow}px wider than a 360px screen");

        Assert.AreEqual(0, foreign.Count, "every request goes to the service itself: " + string.Join("\n", foreign));
        Assert.AreEqual(0, consoleErrors.Count, "no script errors: " + string.Join("\n", consoleErrors));
    }
}
