using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace WebHooks.Tests.Demo;

/// <summary>What a snippet reported: read from the lines every snippet prints, or from curl's raw SOAP response.</summary>
internal sealed record SnippetReply(int Error, string Message, int? Id, int? Deleted, IReadOnlyList<int> Listed)
{
    /// <summary>The event ids of the delivery attempts listed, newest first.</summary>
    public IReadOnlyList<string> Deliveries { get; init; } = [];

    /// <summary>The webhook's secret, where the function returned a webhook.</summary>
    public string Secret { get; init; } = "";

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
        var deliveries = new List<string>();
        var deliveriesAt = Array.FindIndex(lines, l => l.StartsWith("deliveries: ", StringComparison.Ordinal));
        if (deliveriesAt >= 0)
        {
            deliveries.AddRange(lines.Skip(deliveriesAt + 1).Select(l => Regex.Match(l, @"^(evt_\w+) ")).Where(m => m.Success).Select(m => m.Groups[1].Value));
            Assert.AreEqual(Int("deliveries"), deliveries.Count, output);
        }
        return new SnippetReply(error, Value("message") ?? "", Int("id"), Int("deleted"), listed) { Deliveries = deliveries, Secret = Value("secret") ?? "" };
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
        var deliveries = function == "GetWebHookDeliveries" && result is not null
            ? result.Elements().Select(d => Child(d, "eventId")!.Value).ToList()
            : [];
        return new SnippetReply(Int(Child(reply, "error")) ?? -1, Child(reply, "message")?.Value ?? "", id, deleted, listed)
        {
            Deliveries = deliveries, Secret = Child(result, "secret")?.Value ?? "",
        };
    }
}
