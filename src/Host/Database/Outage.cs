using Npgsql;

namespace CrmEtl.Host.Database;

/// <summary>Whether an error is the database going away (stopped, killed, unreachable), not anything a file or a model did.</summary>
internal static class Outage
{
    public static bool Is(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException => true,
        _ => e.InnerException is { } inner && Is(inner),
    };

    public static string Describe(Exception e) =>
        (e is PostgresException pg ? pg.MessageText : e.InnerException?.Message ?? e.Message).Split('\n')[0];
}
