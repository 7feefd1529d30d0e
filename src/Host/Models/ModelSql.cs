using Npgsql;

namespace CrmEtl.Host.Models;

/// <summary>Runs a model's SQL wrapped in the host's statement, turning PostgreSQL's errors into the model file's words.</summary>
internal static class ModelSql
{
    /// <summary>
    /// Runs <paramref name="prefix"/> + the model's SQL + <paramref name="suffix"/>; returns the rows it wrote or selected
    /// (a CREATE TABLE AS reports its rows as a SELECT does, which a command's ExecuteNonQuery leaves out as -1).
    /// </summary>
    public static async Task<long> ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string prefix, Model model, string suffix, CancellationToken ct)
    {
        var statement = prefix + model.Sql + suffix;
        SqlTrace.Add(statement);
        try
        {
            await using var batch = new NpgsqlBatch(conn, tx) { BatchCommands = { new NpgsqlBatchCommand(statement) } };
            await batch.ExecuteNonQueryAsync(ct);
            return (long)batch.BatchCommands[0].Rows;
        }
        catch (PostgresException e) when (!Database.Outage.Is(e))
        {
            throw new ModelException(model.File, Describe(e, model.Sql, prefix.Length), e);
        }
    }

    /// <summary>PostgreSQL's message, with the line of <paramref name="sql"/> it points at (when it points inside it) and its detail.</summary>
    public static string Describe(PostgresException e, string sql, int offset)
    {
        var text = e.SqlState == PostgresErrorCodes.UniqueViolation
            ? $"it returns a key more than once ({e.Detail})"
            : e.MessageText;
        if (e.Position > 0 && e.Position - 1 - offset is var at && at >= 0 && at <= sql.Length)
            text += $" (line {sql[..at].Count(c => c == '\n') + 1})";
        if (e.SqlState != PostgresErrorCodes.UniqueViolation && e.Detail is { Length: > 0 } detail) text += $"; {detail}";
        if (e.Hint is { Length: > 0 } hint) text += $"; hint: {hint}";
        return text;
    }
}
