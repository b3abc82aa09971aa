namespace WebHooks.Service.Pages;

public static class PagesSetup
{
    public static IServiceCollection AddWebHooksPages(this IServiceCollection services) => services;

    public static void MapWebHooksPages(this WebApplication app) { }
}
