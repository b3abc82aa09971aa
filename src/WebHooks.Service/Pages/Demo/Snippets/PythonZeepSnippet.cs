using System.Globalization;
using System.Text;

namespace WebHooks.Service.Pages.Demo.Snippets;

/// <summary>Python with zeep, from the document/literal WSDL.</summary>
public sealed class PythonZeepSnippet : SnippetGenerator
{
    public override string TabLabel => "Python";
    public override string Id => "python-zeep";
    public override string Title => "Python (zeep)";
    public override string FileName => "webhook.py";
    public override string RunHint => "python3 webhook.py   (needs zeep: pip install zeep, or apt install python3-zeep)";

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
                _ when char.IsControl(c) => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }
        return text.Append('"').ToString();
    }

    public override string Generate(FunctionCall call)
    {
        var code = new StringBuilder();
        code.Append($"# {call.Function.Name} with zeep (document/literal endpoint).\n");
        code.Append("from zeep import Client\n\n");
        code.Append($"client = Client({Literal(call.DocumentEndpoint + "?wsdl")})\n");
        code.Append($"r = client.service.{call.Function.Name}(\n");
        foreach (var p in call.Function.Parameters)
        {
            var value = p.Type == ParameterType.Int ? call.Int(p).ToString(CultureInfo.InvariantCulture) : Literal(call.Text(p));
            code.Append($"    {p.Name}={value},\n");
        }
        code.Append(")\n");
        code.Append("print(\"error:\", r.error)\n");
        code.Append("print(\"message:\", r.message)\n");
        code.Append("if r.error == 0:\n");
        switch (call.Function.Result)
        {
            case ResultShape.WebHook:
                code.Append("    print(\"id:\", r.result.id)\n");
                code.Append("    print(\"secret:\", r.result.secret)\n");
                break;
            case ResultShape.WebHookList:
                code.Append("    webhooks = r.result.WebHook if r.result is not None else []\n");
                code.Append("    print(\"webhooks:\", len(webhooks))\n");
                code.Append("    for w in webhooks:\n");
                code.Append("        print(w.id, w.app, w.event, w.url, \"active=%d\" % w.active)\n");
                break;
            case ResultShape.Activation:
                code.Append("    print(\"id:\", r.result.webhook.id)\n");
                code.Append("    print(\"active:\", r.result.webhook.active)\n");
                code.Append("    print(\"replayed events:\", r.result.replayedEvents)\n");
                code.Append("    print(\"discarded events:\", r.result.discardedEvents)\n");
                break;
            case ResultShape.WebHookId:
                code.Append("    print(\"deleted:\", r.result)\n");
                break;
            case ResultShape.DeliveryList:
                code.Append("    deliveries = r.result.Delivery if r.result is not None else []\n");
                code.Append("    print(\"deliveries:\", len(deliveries))\n");
                code.Append("    for d in deliveries:\n");
                code.Append("        print(d.eventId, d.event, \"attempt=%d status=%d %dms succeeded=%d at\" % (d.attempt, d.status, d.durationMs, d.succeeded),\n");
                code.Append("              d.created, d.error)\n");
                break;
        }
        return code.ToString();
    }
}
