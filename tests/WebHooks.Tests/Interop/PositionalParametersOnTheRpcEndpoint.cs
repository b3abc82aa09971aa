using System.Net;
using System.Text;
using WebHooks.Tests.Soap;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Interop;

/// <summary>
/// Perl SOAP::Lite's <c>-&gt;proxy-&gt;uri</c> calls name their arguments <c>c-gensym3</c>, <c>c-gensym5</c>, ...
/// On the rpc endpoint, when none of an operation's child elements carries one of its parameter names, the
/// elements are bound by position, in the order of the rpc WSDL. The exact envelope SOAP::Lite 1.27 sends.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class PositionalParametersOnTheRpcEndpoint
{
    private static ServiceHost _host = null!;

    [ClassInitialize]
    public static async Task Start(TestContext _) => _host = await ServiceHost.StartAsync();

    [ClassCleanup]
    public static async Task Stop() => await _host.DisposeAsync();

    /// <summary>As SOAP::Lite writes it: the method in the default namespace, typed gensym arguments, encodingStyle.</summary>
    private static string SoapLiteEnvelope(string operation, params (string Name, string Type, string Value)[] arguments)
    {
        var body = new StringBuilder();
        foreach (var (name, type, value) in arguments)
            body.Append(value.Length == 0 ? $"<{name} xsi:type=\"xsd:{type}\"/>" : $"<{name} xsi:type=\"xsd:{type}\">{System.Security.SecurityElement.Escape(value)}</{name}>");
        return $"""<?xml version="1.0" encoding="UTF-8"?><soap:Envelope soap:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body><{operation} xmlns="urn:webhooks:soap">{body}</{operation}></soap:Body></soap:Envelope>""";
    }

    private static (string, string, string) S(int n, string value) => ($"c-gensym{n}", "string", value);

    private static async Task<SoapResponse> CallAsync(string path, string operation, string envelope)
    {
        var content = new StringContent(envelope, Encoding.UTF8, "text/xml");
        content.Headers.Add("SOAPAction", $"\"urn:webhooks:soap#{operation}\""); // SOAP::Lite's uri#method
        var response = await RawSoap.SendAsync(_host.Http, path, content);
        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        return response;
    }

    [TestMethod]
    public async Task GensymArgumentsAreBoundByPositionOnTheRpcEndpoint()
    {
        var created = await CallAsync(RawSoap.RpcPath, "CreateWebHook",
            SoapLiteEnvelope("CreateWebHook", S(3, "demo"), S(5, "demo"), S(7, "perl-raw"), S(9, "optout_finalized"), S(11, "https://example.com/perl")));
        var reply = created.Return("CreateWebHook");
        Assert.AreEqual(0, RawSoap.Int(reply, "error"), created.ToString());
        var webHook = RawSoap.WebHook(reply);
        Assert.AreEqual(("perl-raw", "optout_finalized", "https://example.com/perl"), (webHook.App, webHook.Event, webHook.Url));

        // An empty optional in the middle means "not given"; missing trailing ones too.
        var byEvent = await CallAsync(RawSoap.RpcPath, "GetWebHooks", SoapLiteEnvelope("GetWebHooks", S(3, "demo"), S(5, "demo"), S(7, ""), S(9, "optout_finalized")));
        CollectionAssert.Contains(RawSoap.Ids(byEvent.Return("GetWebHooks")), webHook.Id, byEvent.ToString());

        var activated = await CallAsync(RawSoap.RpcPath, "ActivateWebHook",
            SoapLiteEnvelope("ActivateWebHook", S(3, "demo"), S(5, "demo"), ("c-gensym7", "int", webHook.Id.ToString()), ("c-gensym9", "int", "1")));
        Assert.AreEqual(0, RawSoap.Activation(activated.Return("ActivateWebHook")).Error, activated.ToString());

        var deleted = await CallAsync(RawSoap.RpcPath, "DeleteWebHookById",
            SoapLiteEnvelope("DeleteWebHookById", S(3, "demo"), S(5, "demo"), ("c-gensym7", "int", webHook.Id.ToString())));
        Assert.AreEqual(webHook.Id, RawSoap.Delete(deleted.Return("DeleteWebHookById")).Result, deleted.ToString());
    }

    [TestMethod]
    public async Task AWrongPasswordByPositionIsError1()
    {
        var reply = await CallAsync(RawSoap.RpcPath, "GetWebHooks", SoapLiteEnvelope("GetWebHooks", S(3, "demo"), S(5, "wrong")));
        Assert.AreEqual(1, RawSoap.Int(reply.Return("GetWebHooks"), "error"), reply.ToString());
    }

    [TestMethod]
    public async Task NamedArgumentsAreNeverRebound()
    {
        // One name matches: the call is by name, and the unnamed ones are not parameters.
        var mixed = await CallAsync(RawSoap.RpcPath, "GetWebHooks", SoapLiteEnvelope("GetWebHooks", ("username", "string", "demo"), S(5, "demo")));
        var reply = mixed.Return("GetWebHooks");
        Assert.AreEqual(2, RawSoap.Int(reply, "error"), mixed.ToString());
    }

    [TestMethod]
    public async Task TheDocumentEndpointDoesNotBindByPosition()
    {
        var reply = await CallAsync(RawSoap.DocumentPath, "GetWebHooks", SoapLiteEnvelope("GetWebHooks", S(3, "demo"), S(5, "demo")));
        Assert.AreEqual(2, RawSoap.Int(reply.Return("GetWebHooks"), "error"), reply.ToString());
    }
}
