using System.Text.Json;
using System.Text.Unicode;

namespace WebHooks.Service.Wire;

/// <summary>
/// A JSON request body (<c>POST /api/events</c>, the JSON binding), read whole and accepted only as UTF-8 text:
/// bytes that are not UTF-8, or an escaped half of a surrogate pair (<c>"\ud800"</c>), once made string reads
/// fail deep inside a handler (500). Here they are a problem to answer with 400, like malformed JSON.
/// The endpoint's body limit applies while reading (over it, Kestrel throws, and the caller answers 413).
/// </summary>
public static class JsonRequestBody
{
    public sealed record Result(JsonDocument? Document, string? Problem);

    public static async Task<Result> ReadAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);

        if (!Utf8.IsValid(bytes.Span)) return new(null, "the body is not valid UTF-8");
        try
        {
            if (HasUnpairedSurrogateEscape(bytes.Span))
                return new(null, "the body is not valid UTF-8 text: a string escapes half of a surrogate pair (\\uD800-\\uDFFF alone)");
            return new(JsonDocument.Parse(bytes.ToArray()), null);
        }
        catch (JsonException e)
        {
            return new(null, "malformed JSON: " + e.Message);
        }
    }

    /// <summary>
    /// <c>application/json</c> or a structured <c>application/…+json</c> type (RFC 6839); a charset, when given,
    /// must be UTF-8 (JSON exchanged between systems is UTF-8, RFC 8259). Form and text types are not JSON:
    /// they are what a cross-site form can send.
    /// </summary>
    public static bool IsJsonContentType(string? contentType)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)) return false;
        var type = media.MediaType.Value ?? "";
        var json = type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                   || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        var charset = media.Charset.Value?.Trim('"');
        return json && (string.IsNullOrEmpty(charset) || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Only escaped strings can hide one: the bytes themselves were valid UTF-8.</summary>
    private static bool HasUnpairedSurrogateEscape(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || !reader.ValueIsEscaped) continue;
            try
            {
                _ = reader.GetString();
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
        return false;
    }
}
