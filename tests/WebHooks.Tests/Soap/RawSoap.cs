using System.Globalization;
using System.Net;
using System.Security;
using System.Text;
using System.Xml.Linq;
using WebHooks.Tests.Interop;

namespace WebHooks.Tests.Soap;

/// <summary>Hand-written SOAP envelopes and replies, exactly as they are on the wire.</summary>
public static class RawSoap
{
    public const string Namespace = "urn:webhooks:soap";
    public const string DocumentPath = "/webservice/soap";
    public const string RpcPath = "/webservice/soap/rpc";
    public static readonly XNamespace Soap11 = "http://schemas.xmlsoap.org/soap/envelope/";
    public static readonly XNamespace Soap12 = "http://www.w3.org/2003/05/soap-envelope";

    public static readonly XNamespace Ns = Namespace;

    /// <param name="parameters">In order; a null value leaves the element out, "" sends it empty.</param>
    /// <param name="rpc">Unqualified parameters (rpc/literal) instead of qualified ones (document/literal wrapped).</param>
    public static string Envelope(string operation, IEnumerable<(string Name, string? Value)> parameters, bool soap12 = false, bool rpc = false)
    {
        var body = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (value is null) continue;
            body.Append(value.Length == 0 ? $"<{name}/>" : $"<{name}>{SecurityElement.Escape(value)}</{name}>");
        }
        var envelopeNs = soap12 ? Soap12.NamespaceName : Soap11.NamespaceName;
        var wrapper = rpc
            ? $"""<w:{operation} xmlns:w="{Namespace}">{body}</w:{operation}>"""
            : $"""<{operation} xmlns="{Namespace}">{body}</{operation}>""";
        return $"""<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{envelopeNs}"><soap:Body>{wrapper}</soap:Body></soap:Envelope>""";
    }

    public static HttpContent Content(string envelope, string operation, bool soap12 = false)
    {
        if (soap12)
        {
            var content = new StringContent(envelope, Encoding.UTF8);
            content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(
                $"application/soap+xml; charset=utf-8; action=\"{Namespace}/{operation}\"");
            return content;
        }
        var soap11 = new StringContent(envelope, Encoding.UTF8, "text/xml");
        soap11.Headers.Add("SOAPAction", $"\"{Namespace}/{operation}\"");
        return soap11;
    }

    public static async Task<SoapResponse> PostAsync(HttpClient http, string path, string operation,
        IEnumerable<(string Name, string? Value)> parameters, bool soap12 = false, CancellationToken cancellationToken = default) =>
        await SendAsync(http, path, Content(Envelope(operation, parameters, soap12, rpc: path == RpcPath), operation, soap12), cancellationToken);

    public static async Task<SoapResponse> SendAsync(HttpClient http, string path, HttpContent content, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsync(path.TrimStart('/'), content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return new SoapResponse(response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "", text);
    }

    /// <summary>
    /// The <c>return</c> element of an operation's response (the envelope error/message/result): qualified on the
    /// document endpoint, unqualified on the rpc endpoint.
    /// </summary>
    public static XElement Return(string xml, string operation)
    {
        var document = XDocument.Parse(xml);
        var body = document.Root?.Elements().FirstOrDefault(e => e.Name.LocalName == "Body")
            ?? throw new AssertFailedException("no SOAP body in " + xml);
        var wrapper = body.Element(XName.Get(operation + "Response", Namespace))
            ?? throw new AssertFailedException($"no {{{Namespace}}}{operation}Response in " + xml);
        return wrapper.Elements().SingleOrDefault(e => e.Name.LocalName == "return")
            ?? throw new AssertFailedException("no <return> in " + xml);
    }

    /// <summary>A (qualified) child element of a reply.</summary>
    public static XElement? Child(XElement parent, string name) => parent.Element(Ns + name);

    public static int Int(XElement parent, string name) =>
        int.Parse((string?)Child(parent, name) ?? throw new AssertFailedException($"no <{name}> in {parent}"), CultureInfo.InvariantCulture);

    public static string Text(XElement parent, string name) =>
        (string?)Child(parent, name) ?? throw new AssertFailedException($"no <{name}> in {parent}");

    public static int[] Ids(XElement reply) =>
        [.. (Child(reply, "result")?.Elements(Ns + "WebHook") ?? []).Select(w => Int(w, "id"))];

    public static T Status<T>(XElement reply) where T : ErrorReport, new() =>
        new() { Error = Int(reply, "error"), Message = Text(reply, "message") };

    public static WebHookReport WebHook(XElement reply)
    {
        var report = Status<WebHookReport>(reply);
        if (Child(reply, "result") is { } w)
        {
            report.Id = Int(w, "id");
            report.App = Text(w, "app");
            report.Event = Text(w, "event");
            report.Url = Text(w, "url");
            report.Active = Int(w, "active");
            report.Secret = Text(w, "secret");
        }
        return report;
    }

    public static ActivationReport Activation(XElement reply)
    {
        var report = Status<ActivationReport>(reply);
        if (Child(reply, "result") is { } a)
        {
            var w = Child(a, "webhook") ?? throw new AssertFailedException("no <webhook> in " + a);
            report.Id = Int(w, "id");
            report.Active = Int(w, "active");
            report.ReplayedEvents = Int(a, "replayedEvents");
            report.DiscardedEvents = Int(a, "discardedEvents");
        }
        return report;
    }

    public static DeleteReport Delete(XElement reply)
    {
        var report = Status<DeleteReport>(reply);
        if (Child(reply, "result") is not null) report.Result = Int(reply, "result");
        return report;
    }

    /// <summary>The soap:address (SOAP 1.1) or soap12:address of every port of a WSDL, by port name.</summary>
    public static IReadOnlyDictionary<string, string> Addresses(string wsdl)
    {
        XNamespace w = "http://schemas.xmlsoap.org/wsdl/";
        return XDocument.Parse(wsdl).Root!.Elements(w + "service").Elements(w + "port").ToDictionary(
            p => (string)p.Attribute("name")!,
            p => (string)p.Elements().Single(e => e.Name.LocalName == "address").Attribute("location")!);
    }
}

public sealed record SoapResponse(HttpStatusCode Status, string ContentType, string Body)
{
    public XElement Return(string operation) => RawSoap.Return(Body, operation);

    public bool IsFault => Body.Contains(":Fault", StringComparison.Ordinal) || Body.Contains("<Fault", StringComparison.Ordinal);

    public override string ToString() => $"HTTP {(int)Status} {ContentType}: {Body}";
}
