using System.Globalization;
using System.Text;

namespace WebHooks.Bench;

/// <summary>The Markdown table, plus notes that say where the time went.</summary>
public sealed class Report
{
    private readonly List<(string Row, string Measure, string Result, string Target, string Verdict)> _rows = [];
    private readonly List<string> _notes = [];

    public void Row(string row, string measure, string result, string target = "", bool? pass = null) =>
        _rows.Add((row, measure, result, target, pass is null ? "" : pass.Value ? "PASS" : "MISS"));

    public void Note(string text) => _notes.Add(text);

    /// <param name="events">When given, the service's CPU per event too: the figure that noise from other work on the machine moves least.</param>
    public void Cpu(string phase, CpuUse cpu, int events = 0)
    {
        static string Top(List<(string Thread, double Seconds)> threads) =>
            string.Join(", ", threads.Take(5).Select(t => $"{t.Thread} {t.Seconds:0.0}"));
        Note($"CPU during {phase} ({cpu.WallSeconds:0.0} s wall, 2 cores = {2 * cpu.WallSeconds:0.0} core-s): " +
             (events > 0 && cpu.Service.Count > 0 ? $"service {cpu.ServiceTotal * 1e6 / events:N0} µs per event; " : "") +
             (cpu.Service.Count > 0 ? $"service {cpu.ServiceTotal:0.0} s [{Top(cpu.Service)}]; " : "") +
             $"bench (publishers + receiver) {cpu.BenchTotal:0.0} s [{Top(cpu.Bench)}]");
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| row | measure | result | target | verdict |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var (row, measure, result, target, verdict) in _rows)
            text.AppendLine($"| {row} | {measure} | {result} | {target} | {verdict} |");
        if (_notes.Count > 0)
        {
            text.AppendLine();
            foreach (var note in _notes) text.AppendLine("- " + note);
        }
        return text.ToString();
    }

    public static string N(double value, string format = "N0") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
}
