using System.Diagnostics;
using System.Text;

namespace WebHooks.Tests.Demo;

/// <summary>Runs an interpreter, a compiler or a browser that the demo's tests need, bounded by a deadline.</summary>
internal static class ExternalProgram
{
    public sealed record Run(int ExitCode, string Output, string Error)
    {
        public string Describe() => $"exit {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
    }

    private static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A missing tool makes the test inconclusive on a developer's machine, and fails it in CI
    /// (where <c>CI=true</c>), which must have everything installed.
    /// </summary>
    public static void Require(bool present, string what, string install)
    {
        if (present) return;
        var message = $"{what} is not installed ({install})";
        if (InCi) Assert.Fail(message);
        Assert.Inconclusive(message);
    }

    public static void RequireFile(string path, string install) => Require(File.Exists(path), path, install);

    /// <summary>Is <paramref name="command"/> on PATH (or an existing path)?</summary>
    public static string? Find(string command)
    {
        if (command.Contains('/')) return File.Exists(command) ? command : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, command);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    public static async Task<Run> RunAsync(
        string file, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null,
        IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        // A child `dotnet build` must not inherit the MSBuild settings of the `dotnet test` that runs us.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k == "MSBUILD_EXE_PATH").ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;

        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (error) error.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync();
            Assert.Fail($"{file} {string.Join(' ', arguments)} did not finish within {timeout}:\n{output}\n{error}");
        }
        process.WaitForExit(); // drains the redirected streams
        lock (output) lock (error) return new Run(process.ExitCode, output.ToString(), error.ToString());
    }
}
