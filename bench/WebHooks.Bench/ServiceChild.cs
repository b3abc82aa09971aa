using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;

namespace WebHooks.Bench;

/// <summary>
/// The service as a child process, started from the built <c>WebHooks.Service.dll</c> that the build copies
/// next to the bench, over its own LiteDB file, on a free port of 127.0.0.1. Its output goes to a log file.
/// </summary>
public sealed class ServiceChild : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ServiceChild(Process process, string baseUrl, string databasePath, StreamWriter log)
    {
        _process = process;
        _log = log;
        BaseUrl = baseUrl;
        DatabasePath = databasePath;
    }

    public string BaseUrl { get; }
    public string DatabasePath { get; }
    public int Pid => _process.Id;
    public string LogPath { get; private init; } = "";

    public static string ServiceDll => Path.Combine(AppContext.BaseDirectory, "WebHooks.Service.dll");

    /// <summary>Starts the service and waits (at most <paramref name="timeout"/>) until it answers.</summary>
    /// <param name="settings">Command-line settings: the storage's (from <see cref="Seeding.PrepareAsync"/>) and the run's.</param>
    /// <param name="environment">Environment variables of the process (the runtime's settings), besides the bench's own.</param>
    public static async Task<ServiceChild> StartAsync(string directory, IEnumerable<string> settings, TimeSpan timeout, string logName = "service.log",
        IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(ServiceDll)) throw new BenchException($"{ServiceDll} is missing: build the bench project (it references the service)");
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var databasePath = Path.Combine(directory, "webhooks.db");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(ServiceDll);
        info.ArgumentList.Add("--urls=" + baseUrl);
        info.ArgumentList.Add("--environment=Development");
        info.ArgumentList.Add("--contentRoot=" + AppContext.BaseDirectory);
        info.ArgumentList.Add("--WebHooks:Delivery:AllowPrivateNetworks=true");
        foreach (var setting in settings) info.ArgumentList.Add(setting);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;

        var logPath = Path.Combine(directory, logName);
        var log = new StreamWriter(logPath, append: false, Encoding.UTF8) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new BenchException("could not start dotnet");
        var child = new ServiceChild(process, baseUrl, databasePath, log) { LogPath = logPath };
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var until = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (process.HasExited) throw new BenchException($"the service exited with code {process.ExitCode} at start; see {logPath}");
            try
            {
                using var reply = await probe.PostAsync(baseUrl + "/webservice/json/GetWebHooks", new StringContent("{}", Encoding.UTF8, "application/json"));
                if (reply.StatusCode == HttpStatusCode.OK) return child;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            if (Stopwatch.GetTimestamp() > until)
            {
                await child.DisposeAsync();
                throw new BenchException($"the service did not answer within {timeout.TotalSeconds:0} s; see {logPath}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Peak resident set of the service so far, in bytes (VmHWM).</summary>
    public long PeakWorkingSet => ProcStats.StatusKb(Pid, "VmHWM") * 1024;

    /// <summary>Resident set of the service now, in bytes (VmRSS).</summary>
    public long WorkingSet => ProcStats.StatusKb(Pid, "VmRSS") * 1024;

    /// <summary>The LiteDB data file plus its <c>-log</c> file, in bytes.</summary>
    public long DatabaseBytes
    {
        get
        {
            var logFile = Path.Combine(Path.GetDirectoryName(DatabasePath)!, Path.GetFileNameWithoutExtension(DatabasePath) + "-log" + Path.GetExtension(DatabasePath));
            return Size(DatabasePath) + Size(logFile);
            static long Size(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            try { _log.WriteLine(line); }
            catch (ObjectDisposedException) { } // a last line after the stop
        }
    }

    /// <summary>SIGTERM, so the service stops as it would in production; SIGKILL if it takes over 20 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = kill(_process.Id, 15);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try { await _process.WaitForExitAsync(wait.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        _process.Dispose();
        lock (_log) _log.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}

/// <summary>The benchmark cannot go on; the message says why.</summary>
public sealed class BenchException(string message) : Exception(message);
