namespace WebHooks.Service.Soap;

public static class SoapSetup
{
    public static IServiceCollection AddWebHooksSoap(this IServiceCollection services) => services;

    public static void UseWebHooksSoap(this WebApplication app) { }
}
