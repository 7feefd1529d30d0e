using System.Text.Json;
using CrmEtl.Host.Models;
using Npgsql;

namespace CrmEtl.Host.Ingestion;

/// <summary>The host's writes to ingest_audit (one row per run) and the run's rejected rows, kept together so the statuses stay consistent.</summary>
internal static class AuditRecorder
{
    public static async Task<long> StartAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, RunIdentity run, CancellationToken ct)
    {
        await using var cmd = Sql.Command(conn, tx, """
            insert into ingest_audit (invocation_id, crm, dataset, store, store_code, cost_center, scope, filename, file_path,
                                      from_date, to_date, md5_hash, status, host, pid)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'running', $13, $14)
            returning run_id
            """,
            [run.InvocationId, run.Crm, run.Dataset, run.Store?.Id, run.Store?.Code, run.Store?.CostCenter, run.Scope,
             run.FilePath is null ? null : Path.GetFileName(run.FilePath), run.FilePath is null ? null : Path.GetFullPath(run.FilePath),
             run.From, run.To, run.Md5, Environment.MachineName, Environment.ProcessId]);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Serialises runs of the same store (or the same scope or source, for a source without stores): of the same
    /// file, the second sees the first's outcome; of two, the second merges with the first's rows in place. Others
    /// go on at once.
    /// </summary>
    public static async Task LockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string crm, string scope, CancellationToken ct)
    {
        await using var cmd = Sql.Command(conn, tx, "select pg_advisory_xact_lock(hashtextextended($1, 0))", [$"ingest:{crm}:{scope}"]);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<bool> AlreadyIngestedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, RunIdentity run, long runId, CancellationToken ct)
    {
        await using var cmd = Sql.Command(conn, tx, """
            select exists (select 1 from ingest_audit
                           where crm = $1 and store_code is not distinct from $2 and md5_hash = $3 and dataset = $4
                             and status in ('succeeded', 'no_data') and run_id <> $5)
            """, [run.Crm, run.Store?.Code, run.Md5, run.Dataset, runId]);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static async Task<long> NextBatchIdAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select nextval('load_batch_seq')", conn, tx);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static async Task FinishAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, long runId, IngestOutcome o, CancellationToken ct)
    {
        await using var cmd = Sql.Command(conn, tx, """
            update ingest_audit
               set status = $2, rows_read = $3, rows_staged = $4, rows_rejected = $5,
                   inserted_rows = $6, updated_rows = $7, unchanged_rows = $8, table_counts = $9::jsonb,
                   load_batch_id = $10, error_step = $11, error_message = $12,
                   from_date = coalesce(from_date, $13), to_date = coalesce(to_date, $14), finished_at = clock_timestamp()
             where run_id = $1
            """,
            [runId, o.Status, o.RowsRead, o.RowsStaged, o.Rejected, o.Inserted, o.Updated, o.Unchanged, TablesJson(o.Tables),
             o.BatchId, o.ErrorStep, o.Error, o.From, o.To]);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Rows the reader could not read (the models' rejects are written by the models' step).</summary>
    public static async Task RejectsAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, long runId, RunIdentity run,
        IReadOnlyList<Abstractions.RowReject> rejects, CancellationToken ct)
    {
        if (rejects.Count == 0) return;
        await using var batch = new NpgsqlBatch(conn, tx);
        foreach (var r in rejects)
        {
            var cmd = new NpgsqlBatchCommand("""
                insert into ingest_rejects (run_id, crm, dataset, file, sheet, row_number, column_name, value, reason)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """);
            foreach (var value in new object?[] { runId, run.Crm, run.Dataset, run.FilePath is null ? null : Path.GetFileName(run.FilePath), r.Sheet, r.Row, r.Column, r.Value, r.Reason })
                cmd.Parameters.Add(Sql.Parameter(value));
            batch.BatchCommands.Add(cmd);
        }
        await batch.ExecuteNonQueryAsync(ct);
    }

    public static string TablesJson(IReadOnlyList<TableCounts> tables) =>
        JsonSerializer.Serialize(tables.Select(t => new { table = t.Table, inserted = t.Inserted, updated = t.Updated, unchanged = t.Unchanged, deleted = t.Deleted }));

    /// <summary>The last day covered for a store (a successful, empty or duplicate run), for `--from auto`.</summary>
    public static async Task<DateOnly?> LastCoveredDayAsync(NpgsqlConnection conn, string crm, string store, CancellationToken ct)
    {
        await using var cmd = Sql.Command(conn, null, """
            select max(to_date) from ingest_audit
            where crm = $1 and store = $2 and status in ('succeeded', 'no_data', 'duplicate')
            """, [crm, store]);
        return await cmd.ExecuteScalarAsync(ct) switch
        {
            DateOnly day => day,
            DateTime time => DateOnly.FromDateTime(time),
            _ => null,
        };
    }

    /// <summary>
    /// Runs left 'running' by a process that is gone (killed, crashed, power cut) become 'abandoned': on this host
    /// when their pid no longer runs crm-etl, elsewhere when they are older than <paramref name="staleAfter"/>.
    /// Their transactions were rolled back by PostgreSQL; the next run covers their window again.
    /// </summary>
    public static async Task<int> MarkAbandonedAsync(NpgsqlConnection conn, TimeSpan staleAfter, CancellationToken ct)
    {
        var dead = new List<long>();
        await using (var cmd = Sql.Command(conn, null, "select run_id, host, pid, started_at < now() - $1 from ingest_audit where status = 'running'", [staleAfter]))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var sameHost = reader.GetString(1) == Environment.MachineName;
                var pid = reader.IsDBNull(2) ? 0 : reader.GetInt32(2);
                if (sameHost ? !IsCrmEtl(pid) : reader.GetBoolean(3)) dead.Add(reader.GetInt64(0));
            }
        }
        if (dead.Count == 0) return 0;
        await using var update = Sql.Command(conn, null, """
            update ingest_audit
               set status = 'abandoned', finished_at = now(),
                   error_message = 'abandoned: the process that ran it (pid ' || coalesce(pid::text, '?') || ' on ' || coalesce(host, '?') ||
                                   ') stopped before finishing; nothing of it was kept'
             where run_id = any($1) and status = 'running'
            """, [dead.ToArray()]);
        return await update.ExecuteNonQueryAsync(ct);
    }

    private static bool IsCrmEtl(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("crm-etl", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}

/// <summary>Who a run is, as ingest_audit records it.</summary>
internal sealed record RunIdentity(Guid InvocationId, string Crm, string Dataset, Store? Store, string? Scope, string? FilePath,
    DateOnly? From, DateOnly? To, string? Md5);
