namespace WebHooks.Service.Pages.Demo.Snippets;

/// <summary>Writes sample code for one language that performs a call exactly as entered on the demo page.</summary>
/// <remarks>
/// Every snippet prints the same lines, so that a customer (and a test) can compare them:
/// <c>error: N</c>, <c>message: …</c>, then on success what the function returned.
/// </remarks>
public abstract class SnippetGenerator
{
    /// <summary>Stable identifier, used in element ids and by tests.</summary>
    public abstract string Id { get; }
    public abstract string Title { get; }

    /// <summary>The short name on the language tab.</summary>
    public abstract string TabLabel { get; }

    /// <summary>How to run the code once saved under <see cref="FileName"/>.</summary>
    public abstract string RunHint { get; }
    public abstract string FileName { get; }

    public abstract string Generate(FunctionCall call);
}

/// <summary>The generators in the order the page shows them.</summary>
public static class SnippetGenerators
{
    public static readonly IReadOnlyList<SnippetGenerator> All =
    [
        new PhpPositionalSnippet(), new PhpArraySnippet(), new CSharpSnippet(), new PythonZeepSnippet(), new CurlSnippet(),
    ];

    public static SnippetGenerator? Find(string id) => All.FirstOrDefault(g => g.Id == id);
}
