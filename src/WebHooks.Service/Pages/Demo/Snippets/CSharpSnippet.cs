using System.Globalization;
using System.Text;

namespace WebHooks.Service.Pages.Demo.Snippets;

/// <summary>
/// A self-contained console program with a WCF <c>ChannelFactory</c>: the contract interface and the
/// reply classes it needs, as a proxy generated from the WSDL would have them.
/// </summary>
public sealed class CSharpSnippet : SnippetGenerator
{
    public override string TabLabel => "C#";
    public const string ServiceModelVersion = "10.1.0";

    public override string Id => "csharp";
    public override string Title => "C# (WCF ChannelFactory)";
    public override string FileName => "Program.cs";
    public override string RunHint =>
        $"dotnet new console; dotnet add package System.ServiceModel.Http --version {ServiceModelVersion}; " +
        $"dotnet add package System.ServiceModel.Primitives --version {ServiceModelVersion}; replace Program.cs; dotnet run";

    public static string Literal(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\0' => "\\0",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return text.Append('"').ToString();
    }

    /// <summary>The wire names as C# names; keywords get an @.</summary>
    private static string FieldName(string name) => name is "event" or "return" ? "@" + name : name;

    private static string ReplyType(ResultShape shape) => shape switch
    {
        ResultShape.WebHook => "WebHookReply",
        ResultShape.WebHookList => "WebHookListReply",
        ResultShape.Activation => "ActivationReply",
        ResultShape.DeliveryList => "DeliveryListReply",
        _ => "DeleteReply",
    };

    public override string Generate(FunctionCall call)
    {
        var function = call.Function;
        var code = new StringBuilder();
        code.Append($"// {function.Name} with WCF (document/literal endpoint). A console project with the packages\n");
        code.Append($"// System.ServiceModel.Http and System.ServiceModel.Primitives {ServiceModelVersion}; this file is its Program.cs.\n");
        code.Append("using System.ServiceModel;\n");
        code.Append("using System.Xml.Serialization;\n\n");

        var https = call.DocumentEndpoint.StartsWith("https:", StringComparison.OrdinalIgnoreCase);
        code.Append("var factory = new ChannelFactory<IWebHookService>(\n");
        code.Append(https ? "    new BasicHttpBinding(BasicHttpSecurityMode.Transport),\n" : "    new BasicHttpBinding(),\n");
        code.Append($"    new EndpointAddress({Literal(call.DocumentEndpoint)}));\n");
        code.Append("var service = factory.CreateChannel();\n");
        var arguments = call.Arguments.Select(a => a.Parameter.Type == ParameterType.Int
            ? call.Int(a.Parameter).ToString(CultureInfo.InvariantCulture)
            : Literal(a.Value));
        code.Append($"var r = await service.{function.Name}Async({string.Join(", ", arguments)});\n");
        code.Append("factory.Close();\n\n");
        code.Append("Console.WriteLine($\"error: {r.Error}\");\n");
        code.Append("Console.WriteLine($\"message: {r.Message}\");\n");
        code.Append("if (r.Error == 0)\n{\n");
        switch (function.Result)
        {
            case ResultShape.WebHook:
                code.Append("    Console.WriteLine($\"id: {r.Result!.Id}\");\n");
                code.Append("    Console.WriteLine($\"secret: {r.Result!.Secret}\");\n");
                break;
            case ResultShape.WebHookList:
                code.Append("    var webhooks = r.Result ?? [];\n");
                code.Append("    Console.WriteLine($\"webhooks: {webhooks.Length}\");\n");
                code.Append("    foreach (var w in webhooks)\n");
                code.Append("        Console.WriteLine($\"{w.Id} {w.App} {w.Event} {w.Url} active={w.Active}\");\n");
                break;
            case ResultShape.Activation:
                code.Append("    Console.WriteLine($\"id: {r.Result!.WebHook!.Id}\");\n");
                code.Append("    Console.WriteLine($\"active: {r.Result!.WebHook!.Active}\");\n");
                code.Append("    Console.WriteLine($\"replayed events: {r.Result!.ReplayedEvents}\");\n");
                code.Append("    Console.WriteLine($\"discarded events: {r.Result!.DiscardedEvents}\");\n");
                break;
            case ResultShape.WebHookId:
                code.Append("    Console.WriteLine($\"deleted: {r.Result}\");\n");
                break;
            case ResultShape.DeliveryList:
                code.Append("    var deliveries = r.Result ?? [];\n");
                code.Append("    Console.WriteLine($\"deliveries: {deliveries.Length}\");\n");
                code.Append("    foreach (var d in deliveries)\n");
                code.Append("        Console.WriteLine($\"{d.EventId} {d.Event} attempt={d.Attempt} status={d.Status} {d.DurationMs}ms succeeded={d.Succeeded} at {d.Created} {d.Error}\");\n");
                break;
        }
        code.Append("}\n\n");

        var ns = Literal(ServiceFunctions.Namespace);
        code.Append($"[ServiceContract(Namespace = {ns}, Name = {Literal(ServiceFunctions.ContractName)})]\n");
        code.Append("[XmlSerializerFormat]\n");
        code.Append("public interface IWebHookService\n{\n");
        code.Append($"    [OperationContract(Action = {Literal(call.SoapAction)}, ReplyAction = \"*\")]\n");
        code.Append($"    [return: MessageParameter(Name = {Literal(function.ReturnElement)})]\n");
        var parameters = function.Parameters.Select(p => (p.Type == ParameterType.Int ? "int " : "string ") + FieldName(p.Name));
        code.Append($"    Task<{ReplyType(function.Result)}> {function.Name}Async({string.Join(", ", parameters)});\n");
        code.Append("}\n");
        AppendTypes(code, function.Result);
        return code.ToString();
    }

    private static void AppendTypes(StringBuilder code, ResultShape shape)
    {
        var ns = Literal(ServiceFunctions.Namespace);
        var reply = ReplyType(shape);
        code.Append($"\n[XmlType({Literal(reply)}, Namespace = {ns})]\n");
        code.Append($"public class {reply}\n{{\n");
        code.Append("    [XmlElement(\"error\", Order = 1)] public int Error { get; set; }\n");
        code.Append("    [XmlElement(\"message\", Order = 2)] public string Message { get; set; } = \"\";\n");
        code.Append(shape switch
        {
            ResultShape.WebHook => "    [XmlElement(\"result\", Order = 3)] public WebHook? Result { get; set; }\n",
            ResultShape.WebHookList => "    [XmlArray(\"result\", Order = 3), XmlArrayItem(\"WebHook\")] public WebHook[]? Result { get; set; }\n",
            ResultShape.Activation => "    [XmlElement(\"result\", Order = 3)] public Activation? Result { get; set; }\n",
            ResultShape.DeliveryList => "    [XmlArray(\"result\", Order = 3), XmlArrayItem(\"Delivery\")] public Delivery[]? Result { get; set; }\n",
            _ => "    [XmlElement(\"result\", Order = 3)] public int Result { get; set; }\n",
        });
        code.Append("}\n");

        if (shape == ResultShape.Activation)
        {
            code.Append($"\n[XmlType(\"Activation\", Namespace = {ns})]\n");
            code.Append("public class Activation\n{\n");
            code.Append("    [XmlElement(\"webhook\", Order = 1)] public WebHook? WebHook { get; set; }\n");
            code.Append("    [XmlElement(\"replayedEvents\", Order = 2)] public int ReplayedEvents { get; set; }\n");
            code.Append("    [XmlElement(\"discardedEvents\", Order = 3)] public int DiscardedEvents { get; set; }\n");
            code.Append("}\n");
        }
        if (shape == ResultShape.DeliveryList) AppendFields(code, "Delivery", DeliveryFields);
        if (shape is ResultShape.WebHook or ResultShape.WebHookList or ResultShape.Activation) AppendFields(code, "WebHook", WebHookFields);
    }

    private static void AppendFields(StringBuilder code, string type, (string Name, string Type)[] fields)
    {
        code.Append($"\n[XmlType({Literal(type)}, Namespace = {Literal(ServiceFunctions.Namespace)})]\n");
        code.Append($"public class {type}\n{{\n");
        var order = 1;
        foreach (var (name, fieldType) in fields)
        {
            var property = char.ToUpperInvariant(name[0]) + name[1..];
            var init = fieldType == "string" ? " = \"\";" : "";
            code.Append($"    [XmlElement(\"{name}\", Order = {order++})] public {fieldType} {property} {{ get; set; }}{init}\n");
        }
        code.Append("}\n");
    }

    /// <summary>The fields of <c>WebHook</c> in wire order, read from the wire type the service itself serialises.</summary>
    private static readonly (string Name, string Type)[] WebHookFields = FieldsOf(typeof(Wire.WebHook));

    /// <summary>The fields of <c>Delivery</c>, likewise.</summary>
    private static readonly (string Name, string Type)[] DeliveryFields = FieldsOf(typeof(Wire.Delivery));

    private static (string Name, string Type)[] FieldsOf(Type wireType) =>
    [
        .. wireType.GetProperties()
            .Select(p => (Property: p, Element: p.GetCustomAttributes(typeof(System.Xml.Serialization.XmlElementAttribute), false)
                .Cast<System.Xml.Serialization.XmlElementAttribute>().FirstOrDefault()))
            .Where(x => x.Element is not null)
            .OrderBy(x => x.Element!.Order)
            .Select(x => (x.Element!.ElementName, x.Property.PropertyType == typeof(int) ? "int" : "string")),
    ];
}
