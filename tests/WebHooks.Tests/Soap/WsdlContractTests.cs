using System.Reflection;
using System.ServiceModel;
using System.Xml.Linq;
using System.Xml.Schema;
using System.Xml.Serialization;
using WebHooks.Service.Soap;
using WebHooks.Tests.Interop;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Soap;

/// <summary>
/// The checked-in WSDL files (wsdl/webhooks.wsdl, wsdl/webhooks-rpc.wsdl) against the C# contracts the service
/// implements (IWebHookService, IWebHookRpcService), by reflection: operations, SOAP actions, parameter names,
/// order and types, result element and type, and every complex type's element names, types, order and
/// cardinality. Only xsd:string and xsd:int may appear. Then: the service serves exactly those files, with
/// its real address.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class WsdlContractTests
{
    private static readonly XNamespace Wsdl = "http://schemas.xmlsoap.org/wsdl/";
    private static readonly XNamespace Xsd = "http://www.w3.org/2001/XMLSchema";
    private static readonly XNamespace Soap11Binding = "http://schemas.xmlsoap.org/wsdl/soap/";
    private static readonly XNamespace Soap12Binding = "http://schemas.xmlsoap.org/wsdl/soap12/";

    public TestContext TestContext { get; set; } = null!;

    public static string WsdlFile(string name) => Path.Combine(Clients.RepositoryRoot, "wsdl", name);

    [TestMethod]
    public void DocumentLiteralWsdlMatchesIWebHookService()
    {
        var fromFile = ContractModel.FromWsdl(XDocument.Load(WsdlFile(SoapNames.DocumentWsdlFile)));
        var fromCode = ContractModel.FromCode(typeof(IWebHookService), rpc: false, bindings: ["soap11/document", "soap12/document"]);

        AssertSame(fromCode, fromFile, "wsdl/webhooks.wsdl vs IWebHookService");
    }

    [TestMethod]
    public void RpcLiteralWsdlMatchesIWebHookRpcService()
    {
        var fromFile = ContractModel.FromWsdl(XDocument.Load(WsdlFile(SoapNames.RpcWsdlFile)));
        var fromCode = ContractModel.FromCode(typeof(IWebHookRpcService), rpc: true, bindings: ["soap11/rpc"]);

        AssertSame(fromCode, fromFile, "wsdl/webhooks-rpc.wsdl vs IWebHookRpcService");
    }

    /// <summary>The two endpoints are one API: the same functions, parameters (in order) and types.</summary>
    [TestMethod]
    public void BothContractsOfferTheSameFunctions()
    {
        var document = ContractModel.FromCode(typeof(IWebHookService), rpc: false, bindings: []);
        var rpc = ContractModel.FromCode(typeof(IWebHookRpcService), rpc: true, bindings: []);

        AssertSame(document.WithoutOptionality(), rpc.WithoutOptionality(), "IWebHookService vs IWebHookRpcService");
        Assert.IsTrue(typeof(IWebHookService).IsAssignableFrom(typeof(WebHookSoapService)) && typeof(IWebHookRpcService).IsAssignableFrom(typeof(WebHookSoapService)),
            "one implementation serves both");
    }

    /// <summary>The comparison is strict: a renamed parameter, a swapped order or another type is a difference.</summary>
    [TestMethod]
    public void AnyDifferenceFailsTheComparison()
    {
        var text = File.ReadAllText(WsdlFile(SoapNames.RpcWsdlFile));
        var fromCode = ContractModel.FromCode(typeof(IWebHookRpcService), rpc: true, bindings: ["soap11/rpc"]);
        string[][] breakages =
        [
            ["<wsdl:part name=\"replayEvents\" type=\"xsd:int\"/>", "<wsdl:part name=\"replay\" type=\"xsd:int\"/>"],
            ["<wsdl:part name=\"webhookId\" type=\"xsd:int\"/>\n  </wsdl:message>\n  <wsdl:message name=\"DeleteWebHookByIdResponse\">", "<wsdl:part name=\"webhookId\" type=\"xsd:string\"/>\n  </wsdl:message>\n  <wsdl:message name=\"DeleteWebHookByIdResponse\">"],
            ["<xsd:element name=\"bufferedEvents\" type=\"xsd:int\"/>", "<xsd:element name=\"buffered\" type=\"xsd:int\"/>"],
            ["<xsd:element name=\"message\" type=\"xsd:string\"/>\n          <xsd:element name=\"result\" type=\"xsd:int\" minOccurs=\"0\"/>", "<xsd:element name=\"message\" type=\"xsd:string\"/>\n          <xsd:element name=\"result\" type=\"xsd:int\"/>"],
            ["soapAction=\"urn:webhooks:soap/GetWebHooks\"", "soapAction=\"urn:webhooks:soap/ListWebHooks\""],
            ["<wsdl:part name=\"limit\" type=\"xsd:int\"/>", "<wsdl:part name=\"limit\" type=\"xsd:string\"/>"],
            ["<xsd:element name=\"durationMs\" type=\"xsd:int\"/>", "<xsd:element name=\"duration\" type=\"xsd:int\"/>"],
            ["<xsd:element name=\"Delivery\" type=\"tns:Delivery\" minOccurs=\"0\" maxOccurs=\"unbounded\"/>", "<xsd:element name=\"Delivery\" type=\"tns:Delivery\" minOccurs=\"0\"/>"],
            ["<wsdl:part name=\"return\" type=\"tns:DeliveryListReply\"/>", "<wsdl:part name=\"return\" type=\"tns:WebHookListReply\"/>"],
        ];
        foreach (var breakage in breakages)
        {
            Assert.Contains(breakage[0], text, "the breakage must apply to the file");
            var broken = text.Replace(breakage[0], breakage[1]);
            Assert.ThrowsExactly<AssertFailedException>(() => AssertSame(fromCode, ContractModel.FromWsdl(XDocument.Parse(broken)), "broken"), breakage[1]);
        }
        var swapped = text.Replace("<wsdl:part name=\"app\" type=\"xsd:string\"/>\n    <wsdl:part name=\"event\" type=\"xsd:string\"/>\n    <wsdl:part name=\"url\"",
            "<wsdl:part name=\"event\" type=\"xsd:string\"/>\n    <wsdl:part name=\"app\" type=\"xsd:string\"/>\n    <wsdl:part name=\"url\"");
        Assert.AreNotEqual(text, swapped);
        Assert.ThrowsExactly<AssertFailedException>(() => AssertSame(fromCode, ContractModel.FromWsdl(XDocument.Parse(swapped)), "swapped"));
    }

    [TestMethod]
    [DataRow("webservice/soap?wsdl", SoapNames.DocumentWsdlFile, "/webservice/soap")]
    [DataRow("webservice/soap/rpc?wsdl", SoapNames.RpcWsdlFile, "/webservice/soap/rpc")]
    [DataRow("webservice/soap/rpc?WSDL", SoapNames.RpcWsdlFile, "/webservice/soap/rpc")]
    public async Task TheServiceServesTheCheckedInWsdlWithItsRealAddress(string url, string file, string path)
    {
        await using var host = await ServiceHost.StartAsync();

        using var response = await host.Http.GetAsync(url, TestContext.CancellationToken);
        var served = await response.Content.ReadAsStringAsync(TestContext.CancellationToken);

        Assert.AreEqual(System.Net.HttpStatusCode.OK, response.StatusCode, served);
        Assert.AreEqual("text/xml", response.Content.Headers.ContentType?.MediaType);
        var servedDocument = XDocument.Parse(served);
        AssertSame(ContractModel.FromWsdl(XDocument.Load(WsdlFile(file))), ContractModel.FromWsdl(servedDocument), $"served {url} vs wsdl/{file}");
        var addresses = RawSoap.Addresses(served);
        Assert.IsNotEmpty(addresses);
        foreach (var (port, address) in addresses)
            Assert.AreEqual(host.BaseUrl + path, address, $"port {port} of {url}");
        var filePorts = XDocument.Load(WsdlFile(file)).Root!.Elements(Wsdl + "service").Elements(Wsdl + "port").Select(p => (string)p.Attribute("name")!);
        CollectionAssert.AreEquivalent(filePorts.ToArray(), addresses.Keys.ToArray());
    }

    [TestMethod]
    public async Task TheWsdlAddressFollowsPublicBaseUrl()
    {
        await using var host = await ServiceHost.StartAsync(settings: new Dictionary<string, string> { ["WebHooks:PublicBaseUrl"] = "https://hooks.example.com/base/" });

        var served = await host.Http.GetStringAsync("webservice/soap/rpc?wsdl", TestContext.CancellationToken);

        Assert.AreEqual("https://hooks.example.com/base/webservice/soap/rpc", RawSoap.Addresses(served).Values.Single());
    }

    private static void AssertSame(ContractModel expected, ContractModel actual, string what)
    {
        var e = expected.Describe();
        var a = actual.Describe();
        for (var i = 0; i < Math.Max(e.Count, a.Count); i++)
        {
            var left = i < e.Count ? e[i] : "(nothing)";
            var right = i < a.Count ? a[i] : "(nothing)";
            if (left != right)
                Assert.Fail($"{what}: line {i + 1} differs:\n  expected: {left}\n  actual:   {right}\n--- expected ---\n{string.Join('\n', e)}\n--- actual ---\n{string.Join('\n', a)}");
        }
    }

    private sealed record Parameter(string Name, string Type, bool Optional);

    private sealed record Operation(string Name, string Action, IReadOnlyList<Parameter> Parameters, string ReturnElement, string ReturnType);

    private sealed record Element(string Name, string Type, int MinOccurs, bool Many);

    private sealed record ComplexType(string Name, IReadOnlyList<Element> Elements);

    private sealed record ContractModel(string Namespace, IReadOnlyList<string> Bindings, IReadOnlyList<Operation> Operations, IReadOnlyList<ComplexType> Types)
    {
        public ContractModel WithoutOptionality() => this with
        {
            Bindings = [],
            Operations = [.. Operations.Select(o => o with { Parameters = [.. o.Parameters.Select(p => p with { Optional = false })] })],
        };

        public List<string> Describe()
        {
            var lines = new List<string> { "namespace " + Namespace, "bindings " + string.Join(", ", Bindings.Order(StringComparer.Ordinal)) };
            foreach (var operation in Operations.OrderBy(o => o.Name, StringComparer.Ordinal))
            {
                lines.Add($"operation {operation.Name} action={operation.Action}");
                lines.AddRange(operation.Parameters.Select(p => $"  in {p.Name} {p.Type}{(p.Optional ? " optional" : "")}"));
                lines.Add($"  out {operation.ReturnElement} {operation.ReturnType}");
            }
            foreach (var type in Types.OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                lines.Add("type " + type.Name);
                lines.AddRange(type.Elements.Select(e => $"  {e.Name} {e.Type} minOccurs={e.MinOccurs}{(e.Many ? " maxOccurs=unbounded" : "")}"));
            }
            return lines;
        }

        // ---- from the C# contract, by reflection -------------------------------------------------------------

        public static ContractModel FromCode(Type contract, bool rpc, IReadOnlyList<string> bindings)
        {
            var service = contract.GetCustomAttribute<ServiceContractAttribute>() ?? throw new AssertFailedException(contract + " has no [ServiceContract]");
            Assert.AreEqual("WebHookService", service.Name, "explicit ServiceContract name");
            var ns = service.Namespace ?? throw new AssertFailedException("explicit ServiceContract namespace");
            var types = new Dictionary<string, ComplexType>();
            var operations = new List<Operation>();
            foreach (var method in contract.GetMethods())
            {
                var attribute = method.GetCustomAttribute<OperationContractAttribute>();
                if (attribute is null) continue;
                Assert.IsNull(method.GetCustomAttribute<XmlSerializerFormatAttribute>(), $"{method.Name}: no [XmlSerializerFormat] on a method (Style=Rpc makes SoapCore SOAP-encode)");
                var name = attribute.Name ?? throw new AssertFailedException(method.Name + ": explicit operation name");
                var parameters = method.GetParameters().Select(p =>
                {
                    var element = p.GetCustomAttribute<XmlElementAttribute>();
                    var unqualified = element?.Form == XmlSchemaForm.Unqualified;
                    Assert.AreEqual(rpc, unqualified, $"{name}.{p.Name}: rpc parameters are unqualified, document ones qualified");
                    var wireName = NonEmpty(element?.ElementName) ?? NonEmpty(p.GetCustomAttribute<MessageParameterAttribute>()?.Name) ?? p.Name!;
                    return new Parameter(wireName, Simple(p.ParameterType, $"{name}.{p.Name}"), !rpc && p.GetCustomAttribute<SoapOptionalAttribute>() is not null);
                }).ToList();

                var returnType = method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)
                    ? method.ReturnType.GetGenericArguments()[0]
                    : method.ReturnType;
                var returnElement = method.ReturnParameter.GetCustomAttribute<XmlElementAttribute>();
                Assert.AreEqual(rpc, returnElement?.Form == XmlSchemaForm.Unqualified, $"{name}: the rpc <return> part is unqualified, the document one qualified");
                var returnName = NonEmpty(returnElement?.ElementName) ?? NonEmpty(method.ReturnParameter.GetCustomAttribute<MessageParameterAttribute>()?.Name) ?? name + "Result";
                operations.Add(new Operation(name, attribute.Action ?? "", parameters, returnName, Complex(returnType, ns, types)));
            }
            return new ContractModel(ns, bindings, operations, [.. types.Values]);
        }

        private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

        private static string Simple(Type type, string where)
        {
            var underlying = Nullable.GetUnderlyingType(type) ?? type;
            if (underlying == typeof(string)) return "xsd:string";
            if (underlying == typeof(int)) return "xsd:int";
            throw new AssertFailedException($"{where}: {type} is not allowed on the wire (only string and int)");
        }

        private static string Complex(Type type, string ns, Dictionary<string, ComplexType> types)
        {
            var xmlType = type.GetCustomAttribute<XmlTypeAttribute>() ?? throw new AssertFailedException(type + " has no [XmlType]");
            Assert.AreEqual(ns, xmlType.Namespace, type + ": XmlType namespace");
            var name = NonEmpty(xmlType.TypeName) ?? type.Name;
            if (types.ContainsKey(name)) return "tns:" + name;
            types[name] = new ComplexType(name, []); // against cycles

            var nullability = new NullabilityInfoContext();
            var hierarchy = new List<Type>();
            for (var t = type; t is not null && t != typeof(object); t = t.BaseType) hierarchy.Insert(0, t);
            var elements = new List<Element>();
            foreach (var level in hierarchy)
            {
                var members = level.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                    .Where(p => p.GetCustomAttribute<XmlIgnoreAttribute>() is null)
                    .Select(p => (Property: p, Element: p.GetCustomAttribute<XmlElementAttribute>(), Array: p.GetCustomAttribute<XmlArrayAttribute>()))
                    .ToList();
                foreach (var member in members)
                    Assert.IsTrue(member.Element is not null || member.Array is not null, $"{level.Name}.{member.Property.Name}: every serialized property names its element");
                foreach (var (property, element, array) in members.OrderBy(m => m.Element?.Order ?? m.Array!.Order))
                {
                    var where = $"{level.Name}.{property.Name}";
                    Assert.AreNotEqual(XmlSchemaForm.Unqualified, element?.Form ?? array!.Form, where + ": elements inside the types are qualified");
                    var optional = Nullable.GetUnderlyingType(property.PropertyType) is not null
                        || (!property.PropertyType.IsValueType && nullability.Create(property).ReadState == NullabilityState.Nullable);
                    if (array is not null)
                    {
                        var itemType = property.PropertyType.GetElementType() ?? throw new AssertFailedException(where + ": XmlArray on a non-array");
                        var item = property.GetCustomAttribute<XmlArrayItemAttribute>();
                        var itemTypeName = Complex(itemType, ns, types);
                        var arrayTypeName = "ArrayOf" + itemTypeName["tns:".Length..];
                        types[arrayTypeName] = new ComplexType(arrayTypeName, [new Element(NonEmpty(item?.ElementName) ?? itemType.Name, itemTypeName, 0, true)]);
                        elements.Add(new Element(NonEmpty(array.ElementName) ?? property.Name, "tns:" + arrayTypeName, optional ? 0 : 1, false));
                        continue;
                    }
                    var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                    var wireType = propertyType == typeof(string) || propertyType == typeof(int)
                        ? Simple(propertyType, where)
                        : Complex(propertyType, ns, types);
                    elements.Add(new Element(NonEmpty(element!.ElementName) ?? property.Name, wireType, optional ? 0 : 1, false));
                }
            }
            if (type.IsAbstract) types.Remove(name);
            else types[name] = new ComplexType(name, elements);
            return "tns:" + name;
        }

        // ---- from a WSDL file ---------------------------------------------------------------------------------

        public static ContractModel FromWsdl(XDocument document)
        {
            var definitions = document.Root ?? throw new AssertFailedException("empty WSDL");
            var tns = (string?)definitions.Attribute("targetNamespace") ?? throw new AssertFailedException("no targetNamespace");
            var schema = definitions.Element(Wsdl + "types")?.Element(Xsd + "schema") ?? throw new AssertFailedException("no schema");
            Assert.AreEqual(tns, (string?)schema.Attribute("targetNamespace"), "schema targetNamespace");
            Assert.AreEqual("qualified", (string?)schema.Attribute("elementFormDefault"), "the types' elements are qualified");

            string Resolve(XElement at, string? qname)
            {
                if (qname is null) throw new AssertFailedException("no type on " + at);
                var parts = qname.Split(':');
                var ns = parts.Length == 2 ? at.GetNamespaceOfPrefix(parts[0])?.NamespaceName : at.GetDefaultNamespace().NamespaceName;
                var local = parts[^1];
                if (ns == Xsd.NamespaceName) return "xsd:" + local;
                if (ns == tns) return "tns:" + local;
                return $"{{{ns}}}{local}";
            }

            List<Element> Sequence(XElement complexType) =>
            [
                .. (complexType.Element(Xsd + "sequence")?.Elements(Xsd + "element") ?? []).Select(e => new Element(
                    (string)e.Attribute("name")!, Resolve(e, (string?)e.Attribute("type")),
                    int.Parse((string?)e.Attribute("minOccurs") ?? "1", System.Globalization.CultureInfo.InvariantCulture),
                    (string?)e.Attribute("maxOccurs") == "unbounded")),
            ];

            var types = schema.Elements(Xsd + "complexType").Select(t => new ComplexType((string)t.Attribute("name")!, Sequence(t))).ToList();
            foreach (var type in types)
                foreach (var element in type.Elements)
                    Assert.IsTrue(element.Type is "xsd:string" or "xsd:int" || element.Type.StartsWith("tns:", StringComparison.Ordinal),
                        $"{type.Name}.{element.Name}: only xsd:string, xsd:int and the service's types on the wire, not {element.Type}");
            var globalElements = schema.Elements(Xsd + "element").ToDictionary(e => (string)e.Attribute("name")!);
            var messages = definitions.Elements(Wsdl + "message").ToDictionary(m => (string)m.Attribute("name")!);
            XElement Message(XElement at, XElement? io) =>
                messages[Resolve(at, (string?)io?.Attribute("message"))["tns:".Length..]];

            var portType = definitions.Elements(Wsdl + "portType").Single();
            var bindings = definitions.Elements(Wsdl + "binding").ToList();
            var bindingNames = new List<string>();
            var actions = new Dictionary<string, HashSet<string>>();
            foreach (var binding in bindings)
            {
                Assert.AreEqual("tns:" + (string)portType.Attribute("name")!, Resolve(binding, (string?)binding.Attribute("type")));
                var soap = binding.Element(Soap11Binding + "binding") is not null ? Soap11Binding : Soap12Binding;
                var style = (string?)binding.Element(soap + "binding")?.Attribute("style") ?? "document";
                Assert.AreEqual("http://schemas.xmlsoap.org/soap/http", (string?)binding.Element(soap + "binding")?.Attribute("transport"));
                bindingNames.Add($"{(soap == Soap11Binding ? "soap11" : "soap12")}/{style}");
                foreach (var operation in binding.Elements(Wsdl + "operation"))
                {
                    var name = (string)operation.Attribute("name")!;
                    var soapOperation = operation.Element(soap + "operation");
                    Assert.AreEqual(style, (string?)soapOperation?.Attribute("style") ?? style, name + ": operation style");
                    if (!actions.TryGetValue(name, out var set)) actions[name] = set = [];
                    set.Add((string?)soapOperation?.Attribute("soapAction") ?? "");
                    foreach (var body in new[] { operation.Element(Wsdl + "input"), operation.Element(Wsdl + "output") }.Select(io => io?.Element(soap + "body")))
                    {
                        Assert.AreEqual("literal", (string?)body?.Attribute("use"), name + ": literal");
                        if (style == "rpc") Assert.AreEqual(tns, (string?)body?.Attribute("namespace"), name + ": rpc body namespace");
                    }
                }
            }
            var rpc = bindingNames.Any(b => b.EndsWith("/rpc", StringComparison.Ordinal));

            var operations = new List<Operation>();
            foreach (var operation in portType.Elements(Wsdl + "operation"))
            {
                var name = (string)operation.Attribute("name")!;
                var input = Message(operation, operation.Element(Wsdl + "input"));
                var output = Message(operation, operation.Element(Wsdl + "output"));
                var action = actions.TryGetValue(name, out var set) && set.Count == 1 ? set.Single() : $"(bindings disagree or lack it: {string.Join(" | ", set ?? [])})";
                List<Parameter> parameters;
                string returnElement, returnType;
                if (rpc)
                {
                    parameters = [.. input.Elements(Wsdl + "part").Select(p => new Parameter((string)p.Attribute("name")!, Resolve(p, (string?)p.Attribute("type")), false))];
                    var order = (string?)operation.Attribute("parameterOrder");
                    if (order is not null) Assert.AreEqual(string.Join(' ', parameters.Select(p => p.Name)), order, name + ": parameterOrder");
                    var part = output.Elements(Wsdl + "part").Single();
                    (returnElement, returnType) = ((string)part.Attribute("name")!, Resolve(part, (string?)part.Attribute("type")));
                }
                else
                {
                    XElement Wrapper(XElement message, string expected)
                    {
                        var part = message.Elements(Wsdl + "part").Single();
                        var element = Resolve(part, (string?)part.Attribute("element"));
                        Assert.AreEqual("tns:" + expected, element, $"{name}: wrapped style: the part is the element named after the operation");
                        return globalElements[expected].Element(Xsd + "complexType") ?? throw new AssertFailedException(expected + " has no inline complexType");
                    }
                    parameters = [.. Sequence(Wrapper(input, name)).Select(e => new Parameter(e.Name, e.Type, e.MinOccurs == 0))];
                    var result = Sequence(Wrapper(output, name + "Response")).Single();
                    (returnElement, returnType) = (result.Name, result.Type);
                }
                operations.Add(new Operation(name, action, parameters, returnElement, returnType));
            }
            return new ContractModel(tns, bindingNames, operations, types);
        }
    }
}
