using System.Reflection;
using System.Security.Cryptography;

namespace WebHooks.Service.Pages.Demo;

/// <summary>The page's script and style sheet, embedded in the assembly and served by the service itself.</summary>
internal static class DemoAssets
{
    public const string ScriptPath = "/demo/assets/demo.js";
    public const string StylePath = "/demo/assets/site.css";

    private static readonly Dictionary<string, (byte[] Content, string ContentType, string ETag)> Files = new()
    {
        ["demo.js"] = Load("demo.js", "text/javascript; charset=utf-8"),
        ["site.css"] = Load("site.css", "text/css; charset=utf-8"),
    };

    private static (byte[], string, string) Load(string name, string contentType)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("WebHooks.Demo.Assets." + name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        return (bytes, contentType, "\"" + Convert.ToHexString(SHA256.HashData(bytes))[..16] + "\"");
    }

    public static IResult Serve(HttpContext context, string name)
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
