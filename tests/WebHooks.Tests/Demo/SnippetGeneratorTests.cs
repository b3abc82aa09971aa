using System.Xml.Linq;
using WebHooks.Service.Pages.Demo;
using WebHooks.Service.Pages.Demo.Snippets;

namespace WebHooks.Tests.Demo;

/// <summary>The generators alone: the values land in the code escaped, and the envelope is the contract's.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class SnippetGeneratorTests
{
    private const string Tricky = "it's \"q\" \\ $x <&> ]]>";

    private static FunctionCall Call(ServiceFunction function, Dictionary<string, string?> values) =>
        new(function, values, "http://127.0.0.1:5080/");

    private static FunctionCall Create(string app = "shop") => Call(ServiceFunctions.CreateWebHook, new()
    {
        ["username"] = "demo", ["password"] = "demo", ["app"] = app, ["event"] = "optin_finalized", ["url"] = "https://example.com/h",
    });

    [TestMethod]
    public void Envelope_is_soap_11_with_the_wrapper_and_the_parameters_in_the_namespace()
    {
        var call = Create(Tricky);
        var envelope = XDocument.Parse(SoapEnvelope.Build(call));
        XNamespace soap = SoapEnvelope.Soap11Namespace;
        var request = envelope.Root!.Element(soap + "Body")!.Elements().Single();
        Assert.AreEqual(XName.Get("CreateWebHook", ServiceFunctions.Namespace), request.Name);
        XNamespace ns = ServiceFunctions.Namespace;
        CollectionAssert.AreEqual(new[] { "username", "password", "app", "event", "url" }.Select(n => ns + n).ToArray(),
            request.Elements().Select(e => e.Name).ToArray(), "qualified, in the contract's order");
        Assert.AreEqual(Tricky, request.Element(ns + "app")!.Value);
        Assert.AreEqual("urn:webhooks:soap/CreateWebHook", call.SoapAction);
    }

    [TestMethod]
    public void Empty_optional_parameters_get_their_default_and_ints_are_checked()
    {
        var call = Call(ServiceFunctions.ActivateWebHook, new() { ["username"] = "u", ["password"] = "p", ["webhookId"] = " 7 " });
        XNamespace ns = ServiceFunctions.Namespace;
        var request = XDocument.Parse(SoapEnvelope.Build(call)).Descendants(ns + "ActivateWebHook").Single();
        Assert.AreEqual("7", request.Element(ns + "webhookId")!.Value);
        Assert.AreEqual("0", request.Element(ns + "replayEvents")!.Value);
        Assert.AreEqual(0, call.Problems.Count);

        var bad = Call(ServiceFunctions.DeleteWebHookById, new() { ["webhookId"] = "seven" });
        CollectionAssert.AreEqual(new[] { "webhookId: not an integer" }, bad.Problems.ToArray());
    }

    [TestMethod]
    public void Literals_escape_what_each_language_needs()
    {
        Assert.AreEqual(@"'it\'s ""q"" \\ $x <&> ]]>'", PhpSnippet.Literal(Tricky));
        Assert.AreEqual(@"""it's \""q\"" \\ $x <&> ]]>""", PythonZeepSnippet.Literal(Tricky));
        Assert.AreEqual(@"""it's \""q\"" \\ $x <&> ]]>""", CSharpSnippet.Literal(Tricky));
        Assert.AreEqual(@"""a\nb\u0001""", CSharpSnippet.Literal("a\nb\u0001"));
        Assert.AreEqual(@"""a\nb\x01""", PythonZeepSnippet.Literal("a\nb\u0001"));
        Assert.AreEqual(@"'it'\''s'", CurlSnippet.Quote("it's"));
    }

    [TestMethod]
    public void Every_snippet_carries_the_values_and_the_right_endpoint()
    {
        var call = Create();
        var code = SnippetGenerators.All.ToDictionary(g => g.Id, g => g.Generate(call));
        CollectionAssert.AreEqual(new[] { "php-rpc", "php-doc", "csharp", "python-zeep", "curl" }, code.Keys.ToArray());
        StringAssert.Contains(code["php-rpc"], "new SoapClient('http://127.0.0.1:5080/webservice/soap/rpc?wsdl'");
        StringAssert.Contains(code["php-rpc"], "$r = $client->CreateWebHook('demo', 'demo', 'shop', 'optin_finalized', 'https://example.com/h');");
        StringAssert.Contains(code["php-doc"], "new SoapClient('http://127.0.0.1:5080/webservice/soap?wsdl'");
        StringAssert.Contains(code["php-doc"], "'event' => 'optin_finalized',");
        StringAssert.Contains(code["php-doc"], "])->return;");
        StringAssert.Contains(code["python-zeep"], "client.service.CreateWebHook(");
        StringAssert.Contains(code["python-zeep"], "    event=\"optin_finalized\",");
        StringAssert.Contains(code["csharp"], "new EndpointAddress(\"http://127.0.0.1:5080/webservice/soap\")");
        StringAssert.Contains(code["csharp"], "await service.CreateWebHookAsync(\"demo\", \"demo\", \"shop\", \"optin_finalized\", \"https://example.com/h\");");
        StringAssert.Contains(code["csharp"], "Task<WebHookReply> CreateWebHookAsync(string username, string password, string app, string @event, string url);");
        StringAssert.Contains(code["csharp"], "[ServiceContract(Namespace = \"urn:webhooks:soap\", Name = \"WebHookService\")]");
        StringAssert.Contains(code["curl"], "curl -sS 'http://127.0.0.1:5080/webservice/soap'");
        StringAssert.Contains(code["curl"], SoapEnvelope.Build(call));
        foreach (var (id, text) in code) Assert.IsFalse(text.Contains("\r"), id);
    }

    [TestMethod]
    public void Https_services_get_a_transport_secured_wcf_binding()
    {
        var call = new FunctionCall(ServiceFunctions.GetWebHooks, new Dictionary<string, string?>(), "https://hooks.example.com");
        StringAssert.Contains(new CSharpSnippet().Generate(call), "new BasicHttpBinding(BasicHttpSecurityMode.Transport)");
    }

    [TestMethod]
    public void The_curl_heredoc_cannot_be_ended_by_a_value()
    {
        var call = Create("x\nSOAP_ENVELOPE\ny");
        var code = new CurlSnippet().Generate(call);
        StringAssert.Contains(code, "<<'SOAP_ENVELOPE_END'");
        Assert.IsTrue(code.EndsWith("\nSOAP_ENVELOPE_END\n", StringComparison.Ordinal));
    }
}
