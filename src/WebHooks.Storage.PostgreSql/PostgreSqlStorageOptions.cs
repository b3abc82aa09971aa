namespace WebHooks.Storage.PostgreSql;

/// <summary>How to reach the shared database, and how lanes and wake-ups behave across instances.</summary>
public sealed class PostgreSqlStorageOptions
{
    /// <summary>An Npgsql connection string. <c>Search Path</c> picks the schema (default <c>public</c>).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>How long a lane's claim lasts unless renewed: about twice the delivery timeout.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the engine looks for due lanes, as a backstop for lost wake-ups and for retries.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
