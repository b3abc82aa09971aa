namespace WebHooks;

/// <summary>The <c>WebHooks</c> configuration section (spec 8).</summary>
public sealed class WebHooksOptions
{
    public const string Section = "WebHooks";

    public StorageOptions Storage { get; set; } = new();
    public DeliveryOptions Delivery { get; set; } = new();
    public BufferOptions Buffer { get; set; } = new();
    public LimitOptions Limits { get; set; } = new();
    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>Base of links in notifications; empty means the request's own.</summary>
    public string? PublicBaseUrl { get; set; }
}

public sealed class StorageOptions
{
    public const string LiteDb = "LiteDb";
    public const string PostgreSql = "PostgreSql";

    /// <summary><see cref="LiteDb"/> (embedded, one process) or <see cref="PostgreSql"/> (several instances).</summary>
    public string Provider { get; set; } = LiteDb;

    /// <summary>The LiteDB file; relative to the working directory.</summary>
    public string Path { get; set; } = "data/webhooks.db";

    /// <summary>The Npgsql connection string, with <see cref="PostgreSql"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// How long an instance owns a webhook's lane without renewing it: after a crash, another instance takes the lane
    /// over this long after the last renewal. Unset: twice the delivery timeout.
    /// </summary>
    public TimeSpan? LeaseDuration { get; set; }

    /// <summary>How often an instance looks for due lanes beside the signals it gets. Unset: 1 s with PostgreSQL, 30 s with LiteDB.</summary>
    public TimeSpan? PollInterval { get; set; }

    public bool IsPostgreSql => string.Equals(Provider, PostgreSql, StringComparison.OrdinalIgnoreCase);
}

public sealed class DeliveryOptions
{
    public static readonly TimeSpan[] DefaultRetrySchedule =
        [TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30)];

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Null until configured: the binder appends to a list that already has items, and a configured
    /// list must replace the default one. <see cref="EffectiveRetrySchedule"/> resolves it.
    /// </summary>
    public TimeSpan[]? RetrySchedule { get; set; }

    public int DeactivateAfterFailures { get; set; } = 5;
    public int MaxConcurrency { get; set; } = 64;
    public int MaxConcurrencyPerWebHook { get; set; } = 1;

    /// <summary>
    /// Whether deliveries make way for publishes when the process is short of CPU: fewer attempts in flight (down to
    /// two per core) while publishes come and work waits in the thread pool's queue (<see cref="Delivery.DeliveryThrottle"/>).
    /// Unset: on with LiteDB, whose intake is bound by this process's CPU; off with PostgreSQL, whose intake is bound by
    /// the database's round trips, so that holding deliveries back there only delays them.
    /// </summary>
    public bool? YieldToPublishes { get; set; }

    public bool AllowPrivateNetworks { get; set; }

    /// <summary>
    /// Whether every attempt is written to the attempt log (spec 11). A tuning and diagnostic switch: off, the log
    /// stays empty and the storage writes nothing per attempt (the bench compares both).
    /// </summary>
    public bool LogAttempts { get; set; } = true;

    public IReadOnlyList<TimeSpan> EffectiveRetrySchedule =>
        RetrySchedule is { Length: > 0 } configured ? configured : DefaultRetrySchedule;
}

public sealed class BufferOptions
{
    public TimeSpan Period { get; set; } = TimeSpan.FromDays(5);
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);
}

public sealed class LimitOptions
{
    public int WebHooksPerAccount { get; set; } = 100;
    public int MaxEventBytes { get; set; } = 256 * 1024;
}

/// <summary>Optional e-mail of notifications; off while <see cref="Host"/> is empty.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    public string From { get; set; } = "webhooks@localhost";
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public bool UseTls { get; set; }
}
