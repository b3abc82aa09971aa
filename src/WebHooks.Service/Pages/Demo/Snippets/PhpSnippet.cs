using System.Text;

namespace WebHooks.Service.Pages.Demo.Snippets;

/// <summary>What both PHP <c>SoapClient</c> styles share: literals and printing the reply.</summary>
public abstract class PhpSnippet : SnippetGenerator
{
    public override string FileName => "webhook.php";
    public override string RunHint => "php webhook.php   (needs the soap extension: apt install php-cli php-soap)";

    public static string Literal(string value) => "'" + value.Replace("\\", "\\\\").Replace("'", "\\'") + "'";

    protected static string Argument(FunctionCall call, FunctionParameter p) =>
        p.Type == ParameterType.Int ? call.Int(p).ToString(System.Globalization.CultureInfo.InvariantCulture) : Literal(call.Text(p));

    /// <summary>SOAP_SINGLE_ELEMENT_ARRAYS: a list of one webhook is still an array.</summary>
    protected static string NewClient(string wsdlUrl) =>
        $"$client = new SoapClient({Literal(wsdlUrl)}, ['features' => SOAP_SINGLE_ELEMENT_ARRAYS]);\n";

    protected static void AppendPrintReply(StringBuilder code, ServiceFunction function)
    {
        code.Append("echo 'error: ', $r->error, \"\\n\";\n");
        code.Append("echo 'message: ', $r->message, \"\\n\";\n");
        code.Append("if ($r->error == 0) {\n");
        switch (function.Result)
        {
            case ResultShape.WebHook:
                code.Append("    echo 'id: ', $r->result->id, \"\\n\";\n");
                code.Append("    echo 'secret: ', $r->result->secret, \"\\n\";\n");
                break;
            case ResultShape.WebHookList:
                code.Append("    $webhooks = isset($r->result->WebHook) ? $r->result->WebHook : [];\n");
                code.Append("    echo 'webhooks: ', count($webhooks), \"\\n\";\n");
                code.Append("    foreach ($webhooks as $w) {\n");
                code.Append("        echo $w->id, ' ', $w->app, ' ', $w->event, ' ', $w->url, ' active=', $w->active, \"\\n\";\n");
                code.Append("    }\n");
                break;
            case ResultShape.Activation:
                code.Append("    echo 'id: ', $r->result->webhook->id, \"\\n\";\n");
                code.Append("    echo 'active: ', $r->result->webhook->active, \"\\n\";\n");
                code.Append("    echo 'replayed events: ', $r->result->replayedEvents, \"\\n\";\n");
                code.Append("    echo 'discarded events: ', $r->result->discardedEvents, \"\\n\";\n");
                break;
            case ResultShape.WebHookId:
                code.Append("    echo 'deleted: ', $r->result, \"\\n\";\n");
                break;
            case ResultShape.DeliveryList:
                code.Append("    $deliveries = isset($r->result->Delivery) ? $r->result->Delivery : [];\n");
                code.Append("    echo 'deliveries: ', count($deliveries), \"\\n\";\n");
                code.Append("    foreach ($deliveries as $d) {\n");
                code.Append("        echo $d->eventId, ' ', $d->event, ' attempt=', $d->attempt, ' status=', $d->status, ' ', $d->durationMs, 'ms',\n");
                code.Append("            ' succeeded=', $d->succeeded, ' at ', $d->created, ' ', $d->error, \"\\n\";\n");
                code.Append("    }\n");
                break;
        }
        code.Append("}\n");
    }
}

/// <summary>The legacy style: parameters in order, against the rpc/literal endpoint.</summary>
public sealed class PhpPositionalSnippet : PhpSnippet
{
    public override string TabLabel => "PHP positional";
    public override string Id => "php-rpc";
    public override string Title => "PHP SoapClient, positional (rpc endpoint)";

    public override string Generate(FunctionCall call)
    {
        var code = new StringBuilder("<?php\n");
        code.Append($"// {call.Function.Name} with parameters in order, as legacy scripts call it (rpc/literal endpoint).\n");
        code.Append(NewClient(call.RpcEndpoint + "?wsdl"));
        code.Append($"$r = $client->{call.Function.Name}(");
        code.Append(string.Join(", ", call.Function.Parameters.Select(p => Argument(call, p))));
        code.Append(");\n");
        AppendPrintReply(code, call.Function);
        return code.ToString();
    }
}

/// <summary>Named parameters in an array, against the document/literal endpoint.</summary>
public sealed class PhpArraySnippet : PhpSnippet
{
    public override string TabLabel => "PHP array";
    public override string Id => "php-doc";
    public override string Title => "PHP SoapClient, named parameters (document endpoint)";

    public override string Generate(FunctionCall call)
    {
        var code = new StringBuilder("<?php\n");
        code.Append($"// {call.Function.Name} with named parameters (document/literal endpoint).\n");
        code.Append(NewClient(call.DocumentEndpoint + "?wsdl"));
        code.Append($"$r = $client->{call.Function.Name}([\n");
        foreach (var p in call.Function.Parameters)
            code.Append($"    {Literal(p.Name)} => {Argument(call, p)},\n");
        code.Append($"])->{call.Function.ReturnElement};\n");
        AppendPrintReply(code, call.Function);
        return code.ToString();
    }
}
