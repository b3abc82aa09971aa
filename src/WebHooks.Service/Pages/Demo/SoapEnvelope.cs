using System.Xml;
using System.Xml.Linq;

namespace WebHooks.Service.Pages.Demo;

/// <summary>
/// The SOAP 1.1 document/literal request of a call: what the demo page posts, and what the curl
/// snippet sends. The wrapper element and the parameters inside it are in the service's namespace
/// (the WSDL's elementFormDefault="qualified"). Built with an XML writer, so values are always escaped.
/// </summary>
public static class SoapEnvelope
{
    public const string Soap11Namespace = "http://schemas.xmlsoap.org/soap/envelope/";
    public const string ContentType = "text/xml; charset=utf-8";

    public static string Build(FunctionCall call)
    {
        XNamespace soap = Soap11Namespace;
        XNamespace ns = ServiceFunctions.Namespace;
        var request = new XElement(ns + call.Function.Name,
            new XAttribute("xmlns", ServiceFunctions.Namespace),
            call.Arguments.Select(a => new XElement(ns + a.Parameter.Name, a.Parameter.Type == ParameterType.Int
                ? call.Int(a.Parameter).ToString(System.Globalization.CultureInfo.InvariantCulture)
                : a.Value)));
        var envelope = new XElement(soap + "Envelope",
            new XAttribute(XNamespace.Xmlns + "soap", Soap11Namespace),
            new XElement(soap + "Body", request));

        var settings = new XmlWriterSettings
        {
            Indent = true, IndentChars = "  ", OmitXmlDeclaration = false, NewLineChars = "\n",
            Encoding = new System.Text.UTF8Encoding(false),
        };
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings)) envelope.WriteTo(writer);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
