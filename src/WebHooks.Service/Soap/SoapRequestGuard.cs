using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace WebHooks.Service.Soap;

/// <summary>
/// Runs before SoapCore on both SOAP endpoints. It reads the request body (at most
/// <see cref="RequestLimits.MaxManagementBodyBytes"/>), parses it with DTDs prohibited and no resolver (so no
/// entity is ever expanded and no file or URL is ever read), and refuses with a SOAP fault what is nested deeper
/// than <see cref="MaxDepth"/> elements or is not a SOAP envelope. It drops empty parameter elements
/// (<c>&lt;replayEvents/&gt;</c>, <c>xsi:nil="true"</c>): PHP sends omitted positional arguments that way, and an
/// empty parameter means "not given" (spec 3.3). On the rpc endpoint, unnamed arguments are bound by position
/// (<see cref="PositionalParameters"/>). SoapCore then reads the envelope as UTF-8.
/// GET serves only the WSDL (SoapCore's <c>?xsd</c> and <c>?import</c> file readers are closed).
/// </summary>
public sealed class SoapRequestGuard(RequestDelegate next, ILogger<SoapRequestGuard> logger, PositionalParameters positional)
{
    private const string XsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";

    /// <summary>
    /// A valid envelope is fewer than 10 elements deep (Envelope, Body, operation, parameter, result structures).
    /// Thousands of nested elements in a body under the size limit once cost hundreds of milliseconds of CPU each
    /// further on (growing faster than the size): a streaming pass refuses them before any tree is built.
    /// </summary>
    public const int MaxDepth = 32;

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 0,
        IgnoreProcessingInstructions = true,
        CloseInput = false,
    };

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            if (request.Query.ContainsKey("xsd") || request.Query.ContainsKey("import"))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next(context);
            return;
        }
        if (!HttpMethods.IsPost(request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET, HEAD, POST";
            return;
        }

        var version = SoapFault.VersionOf(request.ContentType);
        var body = await ReadBodyAsync(context);
        if (body is null)
        {
            await SoapFault.WriteAsync(context, version, StatusCodes.Status413PayloadTooLarge,
                $"the request is larger than {RequestLimits.MaxManagementBodyBytes} bytes");
            return;
        }

        XDocument document;
        try
        {
            if (IsNestedTooDeeply(body))
            {
                logger.LogInformation("SOAP request refused: nested more than {MaxDepth} elements deep", MaxDepth);
                await SoapFault.WriteAsync(context, version, SoapFault.SenderStatus(version),
                    $"the request is nested more than {MaxDepth} elements deep");
                return;
            }
            using var reader = XmlReader.Create(new MemoryStream(body, writable: false), ReaderSettings);
            document = XDocument.Load(reader, LoadOptions.PreserveWhitespace);
        }
        catch (XmlException e)
        {
            var reason = e.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase)
                ? "DTDs and entity declarations are not allowed"
                : "the request is not well-formed XML: " + e.Message;
            logger.LogInformation("SOAP request refused: {Reason}", reason);
            await SoapFault.WriteAsync(context, version, SoapFault.SenderStatus(version), reason);
            return;
        }

        var envelope = document.Root;
        var envelopeVersion = envelope?.Name.LocalName == "Envelope" ? SoapFault.VersionOfEnvelope(envelope.Name.NamespaceName) : null;
        if (envelopeVersion is null)
        {
            await SoapFault.WriteAsync(context, version, SoapFault.SenderStatus(version), "the request is not a SOAP envelope");
            return;
        }
        if (envelopeVersion != version)
        {
            await SoapFault.WriteAsync(context, envelopeVersion.Value, SoapFault.SenderStatus(envelopeVersion.Value),
                envelopeVersion == SoapVersion.Soap12
                    ? "a SOAP 1.2 envelope must be sent as application/soap+xml"
                    : "a SOAP 1.1 envelope must be sent as text/xml");
            return;
        }
        var soapBody = envelope!.Element(envelope.Name.Namespace + "Body");
        var operation = soapBody?.Elements().FirstOrDefault();
        if (operation is null)
        {
            await SoapFault.WriteAsync(context, version, SoapFault.SenderStatus(version), "the SOAP body holds no operation");
            return;
        }

        positional.Bind(operation);
        foreach (var parameter in operation.Elements().Where(IsEmpty).ToList()) parameter.Remove();
        PassOnAsUtf8(context, document);
        await next(context);
    }

    /// <summary>Reads the body as a stream, without building anything, up to the first element deeper than <see cref="MaxDepth"/>.</summary>
    private static bool IsNestedTooDeeply(byte[] body)
    {
        using var reader = XmlReader.Create(new MemoryStream(body, writable: false), ReaderSettings);
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.Depth >= MaxDepth) return true;
        }
        return false;
    }

    /// <summary>An element with no content at all, or one marked xsi:nil: the parameter was not given.</summary>
    private static bool IsEmpty(XElement parameter) =>
        (!parameter.Nodes().Any()) ||
        string.Equals((string?)parameter.Attribute(XName.Get("nil", XsiNamespace)), "true", StringComparison.Ordinal);

    /// <returns>The body, or null when it is larger than the limit.</returns>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        var limit = RequestLimits.MaxManagementBodyBytes;
        if (context.Request.ContentLength > limit) return null;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            feature.MaxRequestBodySize = limit;

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > limit) return null;
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// SoapCore reads what the guard parsed, as UTF-8 and labelled so: it answers with the request's Content-Type,
    /// so a request labelled <c>charset=utf-16</c> (or unlabelled) once got a UTF-8 reply that said otherwise. The XML
    /// was decoded by its own rules (byte order mark, declaration); from here on it is UTF-8, and both the request
    /// and the reply say <c>charset=utf-8</c>.
    /// </summary>
    private static void PassOnAsUtf8(HttpContext context, XDocument document)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), OmitXmlDeclaration = true }))
            document.Save(writer);
        var request = context.Request;
        request.Body = new MemoryStream(buffer.ToArray(), writable: false);
        request.ContentLength = buffer.Length;
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType))
        {
            contentType.Charset = "utf-8";
            request.ContentType = contentType.ToString();
        }
    }
}
