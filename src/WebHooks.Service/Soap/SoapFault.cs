using System.Security;

namespace WebHooks.Service.Soap;

public enum SoapVersion { Soap11, Soap12 }

/// <summary>SOAP faults written by the service itself, for requests that never reach an operation.</summary>
public static class SoapFault
{
    public const string Soap11Namespace = "http://schemas.xmlsoap.org/soap/envelope/";
    public const string Soap12Namespace = "http://www.w3.org/2003/05/soap-envelope";

    public static SoapVersion VersionOf(string? contentType) =>
        contentType is not null && contentType.TrimStart().StartsWith("application/soap+xml", StringComparison.OrdinalIgnoreCase)
            ? SoapVersion.Soap12
            : SoapVersion.Soap11;

    public static SoapVersion? VersionOfEnvelope(string ns) => ns switch
    {
        Soap11Namespace => SoapVersion.Soap11,
        Soap12Namespace => SoapVersion.Soap12,
        _ => null,
    };

    /// <summary>SOAP 1.1 sends every fault with 500; SOAP 1.2 a sender fault with 400.</summary>
    public static int SenderStatus(SoapVersion version) =>
        version == SoapVersion.Soap12 ? StatusCodes.Status400BadRequest : StatusCodes.Status500InternalServerError;

    public static async Task WriteAsync(HttpContext context, SoapVersion version, int status, string reason)
    {
        var text = SecurityElement.Escape(reason);
        string xml, contentType;
        if (version == SoapVersion.Soap12)
        {
            contentType = "application/soap+xml; charset=utf-8";
            xml = $"""<?xml version="1.0" encoding="utf-8"?><env:Envelope xmlns:env="{Soap12Namespace}"><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value></env:Code><env:Reason><env:Text xml:lang="en">{text}</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>""";
        }
        else
        {
            contentType = "text/xml; charset=utf-8";
            xml = $"""<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{Soap11Namespace}"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>{text}</faultstring></soap:Fault></soap:Body></soap:Envelope>""";
        }
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(xml);
    }
}
