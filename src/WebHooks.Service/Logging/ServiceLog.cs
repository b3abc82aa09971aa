using NLog;
using NLog.Web;

namespace WebHooks.Service.Logging;

/// <summary>The service logs through NLog (nlog.config beside the executable), with its own layout renderers.</summary>
public static class ServiceLog
{
    public static void UseServiceLog(this WebApplicationBuilder builder)
    {
        // Registered before NLog reads nlog.config, which uses it.
        LogManager.Setup().SetupExtensions(extensions => extensions.RegisterLayoutRenderer<EncodeControlCharacters>());
        builder.Logging.ClearProviders();
        builder.Host.UseNLog();
    }
}
