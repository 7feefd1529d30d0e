using Npgsql;

namespace CrmEtl.Host.Ingestion;

/// <summary>Commands with positional parameters ($1, $2, ...), typed so PostgreSQL never has to guess a null's type.</summary>
internal static class Sql
{
    public static NpgsqlCommand Command(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, object?[] values)
    {
        var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var value in values) cmd.Parameters.Add(Parameter(value));
        return cmd;
    }

    public static NpgsqlParameter Parameter(object? value) => value switch
    {
        null => new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Unknown },
        _ => new NpgsqlParameter { Value = value },
    };
}
