using System.Globalization;

namespace WebHooks.Bench;

/// <summary>
/// CPU time and memory of a process from <c>/proc</c> (Linux): the poor man's profiler that tells
/// which threads (by name: store-writer, .NET TP Worker, .NET Server GC, ...) used the CPU during a phase.
/// </summary>
public static class ProcStats
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux we run on

    /// <summary>CPU seconds used so far by each thread name of process <paramref name="pid"/>.</summary>
    public static Dictionary<string, double> CpuByThread(int pid)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        string[] tasks;
        try { tasks = Directory.GetDirectories($"/proc/{pid}/task"); }
        catch (IOException) { return result; }
        catch (UnauthorizedAccessException) { return result; }
        foreach (var task in tasks)
        {
            string stat;
            try { stat = File.ReadAllText(Path.Combine(task, "stat")); }
            catch (IOException) { continue; } // the thread ended meanwhile
            var open = stat.IndexOf('(');
            var close = stat.LastIndexOf(')');
            if (open < 0 || close < open || CpuSeconds(stat) is not { } seconds) continue;
            var name = stat[(open + 1)..close];
            result[name] = result.GetValueOrDefault(name) + seconds;
        }
        return result;
    }

    /// <summary>
    /// CPU seconds used so far by the whole process <paramref name="pid"/>, threads that ended included (the per-thread
    /// figures lose those: the thread pool retires idle workers), or 0.
    /// </summary>
    public static double ProcessCpu(int pid)
    {
        try { return CpuSeconds(File.ReadAllText($"/proc/{pid}/stat")) ?? 0; }
        catch (IOException) { return 0; }
    }

    /// <summary>User and system time of a <c>stat</c> line (<c>pid (comm) state …</c>), or null when it is not one.</summary>
    private static double? CpuSeconds(string stat)
    {
        var close = stat.LastIndexOf(')');
        if (close < 0 || close + 2 > stat.Length) return null;
        var fields = stat[(close + 2)..].Split(' ');
        // After "(comm) ": state is field 3 of the line, utime 14 and stime 15, so indexes 11 and 12 here.
        if (fields.Length < 13) return null;
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>What each thread name used between two snapshots, largest first.</summary>
    public static List<(string Thread, double Seconds)> Difference(Dictionary<string, double> before, Dictionary<string, double> after) =>
        [.. after.Select(kv => (kv.Key, kv.Value - before.GetValueOrDefault(kv.Key)))
            .Where(x => x.Item2 > 0.005)
            .OrderByDescending(x => x.Item2)];

    /// <summary>A field of <c>/proc/PID/status</c> in kB (VmHWM: peak resident set, VmRSS: now), or -1.</summary>
    public static long StatusKb(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith(field + ":", StringComparison.Ordinal)) continue;
                var value = line[(field.Length + 1)..].Trim();
                var space = value.IndexOf(' ');
                return long.Parse(space < 0 ? value : value[..space], CultureInfo.InvariantCulture);
            }
        }
        catch (IOException)
        {
        }
        return -1;
    }
}
