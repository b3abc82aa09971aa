using System.Text;

namespace WebHooks.Service.Pages.Demo.Snippets;

/// <summary>curl posting the raw SOAP 1.1 envelope: the same bytes the demo page sends.</summary>
public sealed class CurlSnippet : SnippetGenerator
{
    public override string TabLabel => "curl";
    public override string Id => "curl";
    public override string Title => "curl (raw SOAP envelope)";
    public override string FileName => "webhook.sh";
    public override string RunHint => "sh webhook.sh   (prints the SOAP response)";

    public static string Quote(string value) => "'" + value.Replace("'", "'\\''") + "'";

    public override string Generate(FunctionCall call)
    {
        var envelope = SoapEnvelope.Build(call);
        var lines = envelope.Split('\n');
        var delimiter = "SOAP_ENVELOPE";
        while (lines.Contains(delimiter)) delimiter += "_END";

        var code = new StringBuilder();
        code.Append($"# {call.Function.Name}: POST a SOAP 1.1 envelope to the document/literal endpoint.\n");
        code.Append($"curl -sS {Quote(call.DocumentEndpoint)} \\\n");
        code.Append($"  -H {Quote("Content-Type: " + SoapEnvelope.ContentType)} \\\n");
        code.Append($"  -H {Quote($"SOAPAction: \"{call.SoapAction}\"")} \\\n");
        code.Append($"  --data-binary @- <<'{delimiter}'\n");
        code.Append(envelope);
        code.Append(delimiter).Append('\n');
        return code.ToString();
    }
}
