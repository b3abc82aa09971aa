using Npgsql;
using NpgsqlTypes;

namespace WebHooks.Storage.PostgreSql;

/// <summary>Small helpers so that each store reads as its SQL: commands, typed parameters, nullable columns.</summary>
internal static class Sql
{
    public static NpgsqlCommand Command(this NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null) =>
        new(sql, connection, transaction);

    public static NpgsqlCommand With<T>(this NpgsqlCommand command, string name, T value)
    {
        command.Parameters.Add(new NpgsqlParameter<T>(name, value));
        return command;
    }

    // Nulls carry their type, so that "@x IS NULL" and COALESCE(@x, ...) need no casts.
    public static NpgsqlCommand With(this NpgsqlCommand command, string name, string? value) =>
        command.Typed(name, NpgsqlDbType.Text, value);

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, long? value) =>
        command.Typed(name, NpgsqlDbType.Bigint, value);

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, int? value) =>
        command.Typed(name, NpgsqlDbType.Integer, value);

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, DateTime value) =>
        command.Typed(name, NpgsqlDbType.TimestampTz, Utc(value));

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, DateTime? value) =>
        command.Typed(name, NpgsqlDbType.TimestampTz, value is { } v ? Utc(v) : null);

    private static NpgsqlCommand Typed(this NpgsqlCommand command, string name, NpgsqlDbType type, object? value)
    {
        command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
        return command;
    }

    /// <summary>timestamptz takes UTC only; the engine's times are UTC, a time of unspecified kind is taken as UTC.</summary>
    public static DateTime Utc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    public static async Task<int> ExecuteAsync(this NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using (command) return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The first column of the first row, or default when there is no row (or it is NULL).</summary>
    public static async Task<T?> ScalarAsync<T>(this NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using (command)
        {
            var value = await command.ExecuteScalarAsync(cancellationToken);
            return value is null or DBNull ? default : (T)value;
        }
    }

    public static async Task<List<T>> ListAsync<T>(this NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using (command)
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<T>();
            while (await reader.ReadAsync(cancellationToken)) rows.Add(read(reader));
            return rows;
        }
    }

    public static async Task<T?> SingleOrDefaultAsync<T>(this NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
        where T : class
    {
        var rows = await command.ListAsync(read, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public static string? NullableString(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static DateTime? NullableDateTime(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTime>(ordinal);

    public static long? NullableInt64(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}
