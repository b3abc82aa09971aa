using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using WebHooks.Tests.Soap;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Interop;

/// <summary>
/// A SOAP reply once repeated the request's <c>charset=utf-16</c> while its body was UTF-8, so a client that
/// believes the header could not read it. Whatever the request says, the reply's charset is that of its bytes.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class SoapReplyCharsetMatchesItsBytes
{
    private const string App = "Bücher-Ölmühle";
    private static ServiceHost _host = null!;

    [ClassInitialize]
    public static async Task Start(TestContext _)
    {
        _host = await ServiceHost.StartAsync();
        await Api.CreateWebHookAsync(_host.Http, "https://example.com/charset", app: App);
    }

    [ClassCleanup]
    public static async Task Stop() => await _host.DisposeAsync();

    [TestMethod]
    [DataRow(RawSoap.DocumentPath, "text/xml; charset=utf-16", "utf-8", false)]
    [DataRow(RawSoap.DocumentPath, "text/xml; charset=UTF-16LE", "utf-8", false)]
    [DataRow(RawSoap.DocumentPath, "text/xml; charset=iso-8859-1", "utf-8", false)]
    [DataRow(RawSoap.DocumentPath, "text/xml", "utf-8", false)]
    [DataRow(RawSoap.DocumentPath, "application/soap+xml; charset=utf-16; action=\"urn:webhooks:soap/GetWebHooks\"", "utf-8", true)]
    [DataRow(RawSoap.RpcPath, "text/xml; charset=utf-16", "utf-8", false)]
    [DataRow(RawSoap.DocumentPath, "text/xml; charset=utf-16", "utf-16", false)]
    public async Task TheReplyIsReadableWithTheCharsetItDeclares(string path, string requestContentType, string bodyEncoding, bool soap12)
    {
        var envelope = RawSoap.Envelope("GetWebHooks", [("username", "demo"), ("password", "demo"), ("app", App)], soap12, rpc: path == RawSoap.RpcPath);
        var encoding = bodyEncoding == "utf-16" ? Encoding.Unicode : Encoding.UTF8;
        if (bodyEncoding == "utf-16") envelope = envelope.Replace("encoding=\"utf-8\"", "encoding=\"utf-16\"");
        byte[] body = [.. encoding.GetPreamble(), .. encoding.GetBytes(envelope)];
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(requestContentType);
        if (!soap12) content.Headers.Add("SOAPAction", "\"urn:webhooks:soap/GetWebHooks\"");

        using var response = await _host.Http.PostAsync(path.TrimStart('/'), content);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var declared = response.Content.Headers.ContentType?.CharSet;

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, Encoding.UTF8.GetString(bytes));
        Assert.IsNotNull(declared, $"the reply declares its charset: {response.Content.Headers.ContentType}");
        var text = Encoding.GetEncoding(declared.Trim('"')).GetString(bytes).TrimStart('\uFEFF');
        XDocument reply;
        try
        {
            reply = XDocument.Parse(text);
        }
        catch (System.Xml.XmlException e)
        {
            Assert.Fail($"the reply is not readable as {declared} ({e.Message}); its bytes as UTF-8: {Encoding.UTF8.GetString(bytes)}");
            throw;
        }
        var result = RawSoap.Return(reply.ToString(), "GetWebHooks");
        Assert.AreEqual(0, RawSoap.Int(result, "error"), text);
        StringAssert.Contains(text, App, "the non-ASCII app name comes back intact");
    }
}
