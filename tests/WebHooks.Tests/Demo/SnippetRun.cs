using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace WebHooks.Tests.Demo;

/// <summary>What a snippet reported: read from the lines every snippet prints, or from curl's raw SOAP response.</summary>
internal sealed record SnippetReply(int Error, string Message, int? Id, int? Deleted, IReadOnlyList<int> Listed)
{
    public static SnippetReply FromLines(string output)
    {
        var lines = output.Replace("\r", "").Split('\n');
        string? Value(string key) => lines.FirstOrDefault(l => l.StartsWith(key + ": ", StringComparison.Ordinal))?[(key.Length + 2)..];
        int? Int(string key) => int.TryParse(Value(key), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

        var error = Int("error") ?? throw new AssertFailedException("no 'error: N' line in:\n" + output);
        var listed = new List<int>();
        var start = Array.FindIndex(lines, l => l.StartsWith("webhooks: ", StringComparison.Ordinal));
        if (start >= 0)
        {
            foreach (var line in lines.Skip(start + 1))
            {
                var m = Regex.Match(line, @"^(\d+) ");
                if (m.Success) listed.Add(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            }
            Assert.AreEqual(Int("webhooks"), listed.Count, output);
        }
        return new SnippetReply(error, Value("message") ?? "", Int("id"), Int("deleted"), listed);
    }

    public static SnippetReply FromSoap(string function, string xml)
    {
        var reply = XDocument.Parse(xml).Descendants().FirstOrDefault(e => e.Name.LocalName == function + "Response")
            ?.Elements().FirstOrDefault(e => e.Name.LocalName == "return")
            ?? throw new AssertFailedException($"no {function}Response/return in:\n{xml}");
        XElement? Child(XElement? e, string name) => e?.Elements().FirstOrDefault(c => c.Name.LocalName == name);
        int? Int(XElement? e) => e is null ? null : int.Parse(e.Value, CultureInfo.InvariantCulture);

        var result = Child(reply, "result");
        var id = Int(Child(result, "id")) ?? Int(Child(Child(result, "webhook"), "id"));
        int? deleted = function == "DeleteWebHookById" && result is not null ? Int(result) : null;
        var listed = function == "GetWebHooks" && result is not null
            ? result.Elements().Select(w => Int(Child(w, "id"))!.Value).ToList()
            : [];
        return new SnippetReply(Int(Child(reply, "error")) ?? -1, Child(reply, "message")?.Value ?? "", id, deleted, listed);
    }
}
