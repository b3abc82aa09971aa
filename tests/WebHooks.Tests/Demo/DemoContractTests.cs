using System.Xml.Linq;
using WebHooks.Service.Pages.Demo;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Demo;

/// <summary>The demo's one description of the functions against the WSDLs the service serves.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class DemoContractTests
{
    private static readonly XNamespace Xsd = "http://www.w3.org/2001/XMLSchema";
    private static readonly XNamespace Wsdl = "http://schemas.xmlsoap.org/wsdl/";
    private static readonly XNamespace Soap = "http://schemas.xmlsoap.org/wsdl/soap/";
    private static ServiceHost _host = null!;

    [ClassInitialize]
    public static async Task Start(TestContext _) => _host = await ServiceHost.StartAsync();

    [ClassCleanup]
    public static async Task Stop() => await _host.DisposeAsync();

    private static async Task<XDocument> Wsdl_(string path) => XDocument.Parse(await _host.Http.GetStringAsync(path.TrimStart('/') + "?wsdl"));

    private static string XsdType(FunctionParameter p) => p.Type == ParameterType.Int ? "xsd:int" : "xsd:string";

    [TestMethod]
    public async Task Document_wsdl_has_the_functions_parameters_in_order_with_their_types()
    {
        var wsdl = await Wsdl_(ServiceFunctions.DocumentPath);
        var schema = wsdl.Descendants(Xsd + "schema").Single();
        Assert.AreEqual(ServiceFunctions.Namespace, (string?)schema.Attribute("targetNamespace"));
        Assert.AreEqual("qualified", (string?)schema.Attribute("elementFormDefault"), "the demo's envelope and C# snippet qualify the parameters");
        foreach (var function in ServiceFunctions.All)
        {
            var request = schema.Elements(Xsd + "element").Single(e => (string?)e.Attribute("name") == function.Name);
            var fields = request.Descendants(Xsd + "element").Select(e =>
                $"{e.Attribute("name")!.Value}:{e.Attribute("type")!.Value}:{((string?)e.Attribute("minOccurs") == "0" ? "optional" : "required")}").ToArray();
            var expected = function.Parameters.Select(p => $"{p.Name}:{XsdType(p)}:{(p.Required ? "required" : "optional")}").ToArray();
            CollectionAssert.AreEqual(expected, fields, function.Name);

            var response = schema.Elements(Xsd + "element").Single(e => (string?)e.Attribute("name") == function.ResponseElement);
            Assert.AreEqual(function.ReturnElement, response.Descendants(Xsd + "element").First().Attribute("name")!.Value, function.Name);
        }
        AssertSoapActions(wsdl);
    }

    [TestMethod]
    public async Task Rpc_wsdl_has_the_functions_parts_in_order_with_their_types()
    {
        var wsdl = await Wsdl_(ServiceFunctions.RpcPath);
        foreach (var function in ServiceFunctions.All)
        {
            var portOperation = wsdl.Root!.Elements(Wsdl + "portType").Elements(Wsdl + "operation")
                .Single(o => (string?)o.Attribute("name") == function.Name);
            var inputMessage = portOperation.Element(Wsdl + "input")!.Attribute("message")!.Value.Split(':').Last();
            var parts = wsdl.Root.Elements(Wsdl + "message").Single(m => (string?)m.Attribute("name") == inputMessage)
                .Elements(Wsdl + "part").Select(p => $"{p.Attribute("name")!.Value}:{p.Attribute("type")!.Value}").ToArray();
            CollectionAssert.AreEqual(function.Parameters.Select(p => $"{p.Name}:{XsdType(p)}").ToArray(), parts, function.Name);
        }
        AssertSoapActions(wsdl);
    }

    private static void AssertSoapActions(XDocument wsdl)
    {
        foreach (var binding in wsdl.Root!.Elements(Wsdl + "binding").Where(b => b.Element(Soap + "binding") is not null))
        {
            foreach (var function in ServiceFunctions.All)
            {
                var operation = binding.Elements(Wsdl + "operation").Single(o => (string?)o.Attribute("name") == function.Name);
                Assert.AreEqual(ServiceFunctions.SoapAction(function),
                    operation.Element(Soap + "operation")!.Attribute("soapAction")!.Value, $"{binding.Attribute("name")}: {function.Name}");
            }
        }
    }

    [TestMethod]
    public void Every_function_of_the_spec_is_described_once()
    {
        CollectionAssert.AreEqual(
            new[] { "CreateWebHook", "GetWebHooks", "ActivateWebHook", "DeleteWebHookById", "GetWebHookDeliveries", "RotateWebHookSecret" },
            ServiceFunctions.All.Select(f => f.Name).ToArray());
        foreach (var f in ServiceFunctions.All)
            CollectionAssert.AreEqual(new[] { "username", "password" }, f.Parameters.Take(2).Select(p => p.Name).ToArray(), f.Name);
        CollectionAssert.AreEqual(EventNames.All.ToArray(),
            ServiceFunctions.CreateWebHook.Parameters.Single(p => p.Name == "event").Choices.ToArray());
    }
}
