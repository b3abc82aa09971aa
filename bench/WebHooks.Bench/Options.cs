using System.Globalization;

namespace WebHooks.Bench;

/// <summary>The run's size. <c>--quick</c> is a smoke test of every row in well under a minute.</summary>
public sealed record Options
{
    public bool Quick { get; init; }
    /// <summary>Events of (a), (b) and (d).</summary>
    public int Events { get; init; } = 20_000;
    /// <summary>Healthy webhooks: one per account, each account publishing its share of the events.</summary>
    public int WebHooks { get; init; } = 50;
    /// <summary>Extra webhooks of (d) whose URLs hang.</summary>
    public int Hanging { get; init; } = 25;
    public int Publishers { get; init; } = 16;
    /// <summary>
    /// Concurrent publishers of the wide intake rows (b, f and h again): a platform that publishes from many processes
    /// at once. A publish is acknowledged once durable, so each publisher waits a group commit per event.
    /// </summary>
    public int WidePublishers { get; init; } = 128;
    public int Warmup { get; init; } = 1_000;
    public int Rate { get; init; } = 500;
    public int LatencySeconds { get; init; } = 10;
    /// <summary>The service's <c>WebHooks:Delivery:MaxConcurrency</c>, passed to it explicitly.</summary>
    public int MaxConcurrency { get; init; } = 64;
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>(b) and (d) end here with what has arrived, so that a slow service still gets a (partial) figure.</summary>
    public TimeSpan ThroughputCap { get; init; } = TimeSpan.FromSeconds(90);
    public TimeSpan WarmupCap { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>How long (c) waits after its last publish for the last receipts.</summary>
    public TimeSpan LatencyCap { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>The whole run gives up after this.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromMinutes(20);
    public bool Keep { get; init; }
    /// <summary>The closed-loop publishers use the HttpClient on the thread pool, as until 2026-12, instead of blocking threads.</summary>
    public bool HttpClientPublishers { get; init; }
    /// <summary>Events of (k), the cold burst right after start, and of its warm twin.</summary>
    public int Burst { get; init; } = 1_000;
    /// <summary>Events of (f): one account, <see cref="WebHooks"/> webhooks on the event, so events × webhooks deliveries.</summary>
    public int FanOutEvents { get; init; } = 2_000;
    /// <summary>Events buffered for the deactivated webhook of (h).</summary>
    public int Buffered { get; init; } = 1_000_000;
    /// <summary>A PostgreSQL server to use for the p rows instead of the bench's own throwaway cluster.</summary>
    public string? Postgres { get; init; }
    /// <summary>Groups of rows not to run: lite, fanout, attempts, buffered, postgres.</summary>
    public HashSet<string> Skip { get; init; } = [];

    public bool Runs(string group) => !Skip.Contains(group);

    /// <summary>Attempts in flight in the service with these webhooks: one per webhook, at most MaxConcurrency. (a) uses the same.</summary>
    public int Concurrency => Math.Min(MaxConcurrency, WebHooks);

    public const string Usage = """
        usage: dotnet run -c Release --project bench/WebHooks.Bench [-- OPTIONS]
          --quick               small run (2,000 events, 3 s of latency) to check that everything works
          --events N            events of (a), (b), (d)            default 20000
          --webhooks N          healthy webhooks (= accounts)      default 50
          --hanging N           hanging webhooks in (d)            default 25
          --publishers N        concurrent publishers in (b), (d)  default 16
          --wide-publishers N   publishers of the wide intake rows default 128
          --max-concurrency N   the service's MaxConcurrency       default 64
          --rate N              events/s in (c)                    default 500
          --latency-seconds N   duration of (c)                    default 10
          --cap SECONDS         (b) and (d) stop here, partial     default 90 (quick: 15)
          --burst N             events of the cold and warm bursts default 1000
          --fanout-events N     events of (f), × webhooks each     default 2000
          --buffered N          events buffered in (h)             default 1000000
          --postgres CONNSTR    use this PostgreSQL for the p rows default: a throwaway cluster of the bench's own
          --skip LIST           comma-separated groups not to run: lite,fanout,attempts,buffered,postgres
          --time-limit MIN      give up after MIN minutes          default 20 (quick: 5)
          --keep                keep the temporary folder (databases, service logs)
          --http-client-publishers  publish with HttpClient on the thread pool (until 2026-12) instead of blocking threads
        """;

    public static Options Parse(string[] args)
    {
        var options = args.Contains("--quick")
            ? new Options
            {
                Quick = true, Events = 2_000, Warmup = 200, LatencySeconds = 3, TimeLimit = TimeSpan.FromMinutes(5),
                Burst = 200, FanOutEvents = 100, Buffered = 5_000,
                ThroughputCap = TimeSpan.FromSeconds(15), WarmupCap = TimeSpan.FromSeconds(10), LatencyCap = TimeSpan.FromSeconds(10),
            }
            : new Options();
        for (var i = 0; i < args.Length; i++)
        {
            int Next() => i + 1 < args.Length && int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new BenchException($"{args[i]} needs a positive number\n{Usage}");
            options = args[i] switch
            {
                "--quick" => options,
                "--keep" => options with { Keep = true },
                "--http-client-publishers" => options with { HttpClientPublishers = true },
                "--events" => options with { Events = Next() },
                "--webhooks" => options with { WebHooks = Math.Min(Next(), Tally.MaxPaths) },
                "--hanging" => options with { Hanging = Next() },
                "--publishers" => options with { Publishers = Next() },
                "--wide-publishers" => options with { WidePublishers = Next() },
                "--max-concurrency" => options with { MaxConcurrency = Next() },
                "--rate" => options with { Rate = Next() },
                "--latency-seconds" => options with { LatencySeconds = Next() },
                "--cap" => options with { ThroughputCap = TimeSpan.FromSeconds(Next()) },
                "--time-limit" => options with { TimeLimit = TimeSpan.FromMinutes(Next()) },
                "--burst" => options with { Burst = Next() },
                "--fanout-events" => options with { FanOutEvents = Next() },
                "--buffered" => options with { Buffered = Next() },
                "--postgres" => options with { Postgres = i + 1 < args.Length ? args[++i] : throw new BenchException($"--postgres needs a connection string\n{Usage}") },
                "--skip" => options with { Skip = [.. (i + 1 < args.Length ? args[++i] : "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] },
                "-h" or "--help" => throw new BenchException(Usage),
                _ => throw new BenchException($"unknown option {args[i]}\n{Usage}"),
            };
        }
        if (options.Hanging > options.WebHooks) options = options with { Hanging = options.WebHooks };
        return options;
    }
}
