using Microsoft.Extensions.Configuration.Json;

namespace WebHooks.Service;

/// <summary>
/// Where the settings come from. A service unit runs <c>dotnet /opt/webhooks/WebHooks.Service.dll</c> from another
/// working directory; the settings files beside the dll were then silently ignored (ASP.NET reads them from the
/// content root, which defaults to the working directory). The content root is the application's own folder,
/// unless <c>--contentRoot</c> (or ASPNETCORE_CONTENTROOT) names another, so appsettings.json and
/// appsettings.{Environment}.json are read from there, by the service and by its command line alike. Relative
/// paths inside them (<c>WebHooks:Storage:Path</c>) still resolve against the working directory.
/// </summary>
public static class SettingsFiles
{
    public static WebApplicationOptions BuilderOptions(string[] args) => new()
    {
        Args = args,
        ContentRootPath = NamesContentRoot(args) ? null : AppContext.BaseDirectory,
    };

    /// <summary>One line at start: the environment, the settings files read (and those looked for but absent), the database.</summary>
    public static void LogSettingsInUse(this WebApplication app, string databasePath)
    {
        var files = ((IConfigurationRoot)app.Configuration).Providers.OfType<JsonConfigurationProvider>()
            .Select(p => (Path: FullPath(p.Source), Exists: p.Source.FileProvider?.GetFileInfo(p.Source.Path ?? "").Exists == true))
            .ToList();
        app.Logger.LogInformation(
            "Settings: environment {Environment}; files {Files}; absent {Absent}; database {Database} (relative paths resolve against the working directory {WorkingDirectory})",
            app.Environment.EnvironmentName,
            string.Join(", ", files.Where(f => f.Exists).Select(f => f.Path)) is { Length: > 0 } read ? read : "none",
            string.Join(", ", files.Where(f => !f.Exists).Select(f => f.Path)) is { Length: > 0 } absent ? absent : "none",
            databasePath,
            Environment.CurrentDirectory);
    }

    private static string FullPath(FileConfigurationSource source) =>
        source.FileProvider is Microsoft.Extensions.FileProviders.PhysicalFileProvider physical
            ? Path.Combine(physical.Root, source.Path ?? "")
            : source.Path ?? "";

    private static bool NamesContentRoot(string[] args) =>
        args.Any(a => a.TrimStart('-', '/').StartsWith("contentRoot", StringComparison.OrdinalIgnoreCase))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"));
}
