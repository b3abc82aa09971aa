namespace WebHooks.Service.Pages.Demo;

/// <summary>The landing page, the Web Service Demo and the health check (spec 7).</summary>
public static class DemoPages
{
    public static void MapDemoPages(this WebApplication app) { }
}
