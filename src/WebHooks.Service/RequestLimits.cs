using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace WebHooks.Service;

/// <summary>
/// How much of a request the service reads. Every endpoint that reads a body declares its limit
/// (<see cref="WithBodyLimit{TBuilder}"/>), which holds whether or not Content-Length is sent (a chunked body
/// is cut off at the limit while it is read), and every form is bounded besides. A body or a form over a
/// limit is answered 413 with a JSON error, never with a page built from it.
/// </summary>
public static class RequestLimits
{
    /// <summary>The largest request body the server reads at all; endpoints set tighter limits of their own.</summary>
    public const long MaxBodyBytes = 4 * 1024 * 1024;

    /// <summary>The largest management request (SOAP envelope, JSON or form): these are small.</summary>
    public const int MaxManagementBodyBytes = 64 * 1024;

    /// <summary>The forms of the pages (the demo, sign-in, the reactivation buttons): a few short fields.</summary>
    public const int MaxPageFormBytes = 16 * 1024;

    /// <summary>
    /// The longest value the demo page takes (and shows, several times over): the longest parameter is a URL of
    /// at most 2,000 characters.
    /// </summary>
    public const int MaxDemoValueChars = 4096;

    /// <summary>The server-wide ceiling and the bounds of every form, whichever endpoint reads it.</summary>
    public static void AddRequestLimits(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxBodyBytes);
        builder.Services.Configure<FormOptions>(form =>
        {
            form.BufferBodyLengthLimit = MaxManagementBodyBytes;
            form.MultipartBodyLengthLimit = MaxManagementBodyBytes;
            form.ValueLengthLimit = MaxManagementBodyBytes;
            form.ValueCountLimit = 100;
            form.KeyLengthLimit = 1024;
        });
    }

    /// <summary>The endpoint reads at most <paramref name="bytes"/> of body, and form values of at most <paramref name="valueChars"/>.</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, int bytes, int? valueChars = null) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BodyLimit(bytes)).WithFormOptions(valueLengthLimit: valueChars ?? bytes, multipartBodyLengthLimit: bytes, bufferBodyLengthLimit: bytes);

    /// <summary>Applies the endpoint's <see cref="BodyLimit"/> before anything reads the body, and answers 413 when a body or form is over a limit.</summary>
    public static void UseRequestLimits(this WebApplication app) => app.Use(async (context, next) =>
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>();
        if (limit is not null)
        {
            if (context.Request.ContentLength > limit.Bytes)
            {
                await TooLarge($"the request body is larger than {limit.Bytes} bytes").ExecuteAsync(context);
                return;
            }
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
                feature.MaxRequestBodySize = limit.Bytes;
        }
        try
        {
            await next(context);
        }
        catch (Exception e) when (IsOverLimit(e) && !context.Response.HasStarted)
        {
            var error = Cause(e) is BadHttpRequestException
                ? $"the request body is larger than {limit?.Bytes ?? context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} bytes"
                : "the form is too large: " + Cause(e)!.Message;
            await TooLarge(error).ExecuteAsync(context);
        }
    });

    /// <summary>
    /// The body went over the endpoint's limit (Kestrel), or a form over its bounds (ASP.NET's form reader), also
    /// when a reader wrapped that (antiforgery reads the form first).
    /// </summary>
    public static bool IsOverLimit(Exception e) => Cause(e) is not null;

    private static Exception? Cause(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
                || (e is InvalidDataException && e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)))
                return e;
        }
        return null;
    }

    public static IResult TooLarge(string error) => Results.Json(new { error }, statusCode: StatusCodes.Status413PayloadTooLarge);

    /// <summary>Endpoint metadata: the most body this endpoint reads.</summary>
    public sealed record BodyLimit(int Bytes) : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize => Bytes;
    }
}
