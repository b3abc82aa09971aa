using WebHooks.Service.Pages.Demo.Snippets;

namespace WebHooks.Service.Pages.Demo;

public sealed record SnippetView(string Id, string Title, string TabLabel, string FileName, string RunHint, string Code);

/// <summary>
/// Everything the demo page shows for one call: the envelope its script posts and the sample code.
/// Served as JSON by <c>/demo/snippets</c> and rendered into the page on first load.
/// </summary>
public sealed record DemoSnapshot(
    string Function, string Endpoint, string SoapPath, string SoapAction, string ContentType, string Envelope,
    string ResponseElement, string ReturnElement,
    IReadOnlyList<SnippetView> Snippets, IReadOnlyList<string> Problems)
{
    public static DemoSnapshot Of(FunctionCall call, string pathBase) => new(
        call.Function.Name,
        call.DocumentEndpoint,
        pathBase + ServiceFunctions.DocumentPath,
        call.SoapAction,
        SoapEnvelope.ContentType,
        SoapEnvelope.Build(call),
        call.Function.ResponseElement,
        call.Function.ReturnElement,
        [.. SnippetGenerators.All.Select(g => new SnippetView(g.Id, g.Title, g.TabLabel, g.FileName, g.RunHint, g.Generate(call)))],
        call.Problems);
}
