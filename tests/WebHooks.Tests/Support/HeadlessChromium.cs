using Microsoft.Playwright;

namespace WebHooks.Tests.Support;

/// <summary>Debian's headless chromium driven by Playwright (no browser download), and the screenshots the browser tests keep.</summary>
internal static class HeadlessChromium
{
    public const string Path = "/usr/bin/chromium";

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = Path,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic"],
    });

    /// <summary>Saves a screenshot in the test run's results folder and attaches it to the test's result.</summary>
    public static async Task ScreenshotAsync(TestContext test, IPage page, string name, bool fullPage = true)
    {
        var directory = System.IO.Path.Combine(test.TestRunResultsDirectory ?? test.TestResultsDirectory ?? System.IO.Path.GetTempPath(), "screenshots");
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, name);
        await page.ScreenshotAsync(new() { Path = path, FullPage = fullPage });
        test.AddResultFile(path);
        test.WriteLine($"screenshot: {path}");
    }
}
