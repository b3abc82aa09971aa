using System.Reflection;
using System.Security.Cryptography;

namespace WebHooks.Service.Pages.Shared;

/// <summary>
/// The pages' one style sheet and the demo's script, embedded in the assembly and served by the service itself at
/// <c>/assets/{name}</c> (also at <c>/demo/assets/{name}</c>, where pages of earlier versions asked for them).
/// </summary>
internal static class SiteAssets
{
    public const string StylePath = "/assets/site.css";
    public const string DemoScriptPath = "/assets/demo.js";

    private static readonly Dictionary<string, (byte[] Content, string ContentType, string ETag)> Files = new()
    {
        ["demo.js"] = Load("demo.js", "text/javascript; charset=utf-8"),
        ["site.css"] = Load("site.css", "text/css; charset=utf-8"),
    };

    public static void MapSiteAssets(this WebApplication app)
    {
        app.MapGet("/assets/{name}", (HttpContext context, string name) => Serve(context, name));
        app.MapGet("/demo/assets/{name}", (HttpContext context, string name) => Serve(context, name));
    }

    private static (byte[], string, string) Load(string name, string contentType)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("WebHooks.Assets." + name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        return (bytes, contentType, "\"" + Convert.ToHexString(SHA256.HashData(bytes))[..16] + "\"");
    }

    private static IResult Serve(HttpContext context, string name)
    {
        if (!Files.TryGetValue(name, out var file)) return Results.NotFound();
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-cache";
        headers.ETag = file.ETag;
        if (context.Request.Headers.IfNoneMatch == file.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(file.Content, file.ContentType);
    }
}
