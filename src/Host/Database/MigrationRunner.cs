using CrmEtl.Host.Logging;
using Npgsql;

namespace CrmEtl.Host.Database;

/// <summary>
/// Applies run-once migrations in order, each in its own transaction, journaled with a checksum in
/// <c>migration_journal</c>. A changed applied script is refused; an advisory lock keeps two processes apart.
/// </summary>
internal sealed class MigrationRunner(string connectionString)
{
    // Any constant works; it only has to be the same for every crm-etl process.
    private const long LockKey = 0x43524D45544C; // "CRMETL"

    public async Task<IReadOnlyList<string>> ApplyAsync(IEnumerable<MigrationScript> scripts, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await ExecAsync(conn, $"select pg_advisory_lock({LockKey})", ct);
        try
        {
            await ExecAsync(conn, """
                create table if not exists migration_journal (
                    script      text primary key,
                    checksum    text not null,
                    applied_at  timestamptz not null default now()
                )
                """, ct);
            var journal = await ReadJournalAsync(conn, ct);
            var applied = new List<string>();
            foreach (var script in scripts)
            {
                if (journal.TryGetValue(script.Name, out var checksum))
                {
                    if (checksum != script.Checksum)
                        throw new InvalidOperationException(
                            $"migration {script.Name} ({script.Path}) was changed after it was applied " +
                            $"(journal checksum {checksum[..12]}, file {script.Checksum[..12]}); " +
                            "restore it and put the change in a new migration");
                    continue;
                }
                await ApplyOneAsync(conn, script, ct);
                applied.Add(script.Name);
            }
            return applied;
        }
        finally
        {
            await ExecAsync(conn, $"select pg_advisory_unlock({LockKey})", CancellationToken.None);
        }
    }

    private static async Task ApplyOneAsync(NpgsqlConnection conn, MigrationScript script, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        await using var tx = await conn.BeginTransactionAsync(ct);
        try
        {
            await using (var cmd = new NpgsqlCommand(script.Sql, conn, tx)) await cmd.ExecuteNonQueryAsync(ct);
            await using (var journal = new NpgsqlCommand(
                             "insert into migration_journal (script, checksum) values ($1, $2)", conn, tx))
            {
                journal.Parameters.AddWithValue(script.Name);
                journal.Parameters.AddWithValue(script.Checksum);
                await journal.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        catch (PostgresException e)
        {
            throw new InvalidOperationException($"migration {script.Name} ({script.Path}) failed: {e.MessageText}" +
                                                (e.Position > 0 ? $" at character {e.Position}" : ""), e);
        }
        Log.Info("db", "migrate.applied", $"{script.Name} ({(DateTime.UtcNow - started).TotalMilliseconds:0} ms)");
    }

    private static async Task<Dictionary<string, string>> ReadJournalAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var journal = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var cmd = new NpgsqlCommand("select script, checksum from migration_journal", conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) journal[reader.GetString(0)] = reader.GetString(1);
        return journal;
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
