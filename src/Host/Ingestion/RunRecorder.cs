using Npgsql;

namespace CrmEtl.Host.Ingestion;

/// <summary>The host's writes to ingest_audit and download_ledger, kept together so the statuses stay consistent.</summary>
internal static class RunRecorder
{
    public static async Task<long> StartAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IngestRequest r, string md5, CancellationToken ct)
    {
        await using var cmd = Command(conn, tx, """
            insert into ingest_audit (invocation_id, crm, store, store_code, cost_center, filename, file_path,
                                      from_date, to_date, md5_hash, status, host, pid)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'running', $11, $12)
            returning run_id
            """,
            [r.InvocationId, r.Plugin.Info.Crm, r.Store.Id, r.Store.Code, r.Store.CostCenter, Path.GetFileName(r.FilePath),
             Path.GetFullPath(r.FilePath), r.From, r.To, md5, Environment.MachineName, Environment.ProcessId]);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Serialises ingestions for the same store: of the same file, the second sees the first's outcome; of two files,
    /// the second merges with the first's orders in place (the merge inserts the keys the store lacked without a
    /// conflict check). Other stores go on at once.
    /// </summary>
    public static async Task LockStoreAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string crm, string storeCode, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended($1, 0))", conn, tx);
        cmd.Parameters.AddWithValue($"ingest:{crm}:{storeCode}");
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<bool> AlreadyIngestedAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, string crm, string storeCode, string md5, long runId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select exists (select 1 from ingest_audit
                           where crm = $1 and store_code = $2 and md5_hash = $3
                             and status in ('succeeded', 'no_data') and run_id <> $4)
            """, conn, tx);
        cmd.Parameters.AddWithValue(crm);
        cmd.Parameters.AddWithValue(storeCode);
        cmd.Parameters.AddWithValue(md5);
        cmd.Parameters.AddWithValue(runId);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static async Task<long> NextBatchIdAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select nextval('load_batch_seq')", conn, tx);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static async Task FinishAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, long runId, IngestOutcome o, long? batchId, CancellationToken ct)
    {
        await using var cmd = Command(conn, tx, """
            update ingest_audit
               set status = $2, rows_staged = $3, inserted_rows = $4, updated_rows = $5, unchanged_rows = $6,
                   load_batch_id = $7, error_step = $8, error_message = $9,
                   from_date = coalesce(from_date, $10), to_date = coalesce(to_date, $11), rows_read = $12, finished_at = now()
             where run_id = $1
            """,
            [runId, o.Status, o.RowsStaged, o.Inserted, o.Updated, o.Unchanged, batchId, o.ErrorStep, o.Error, o.From, o.To, o.RowsRead]);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Writes the file's ledger row: updates the download's row when there is one, else adds one for a file
    /// handed to `ingest`. Status follows the ingestion: downloaded (taken in), duplicate or failed.
    /// </summary>
    public static async Task LedgerAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IngestRequest r, IngestOutcome o, CancellationToken ct)
    {
        var status = o.Status switch
        {
            IngestOutcome.Duplicate => "duplicate",
            IngestOutcome.Failed => "failed",
            _ => "downloaded",
        };
        var failureKind = o.IsFailure ? o.ErrorStep switch { "parse" => "bad_file", _ => "ingest_failed" } : null;
        var size = File.Exists(r.FilePath) ? new FileInfo(r.FilePath).Length : (long?)null;
        object?[] outcome = [o.Md5, size, status, failureKind, o.Error, o.RunId];
        await using var cmd = r.LedgerId is { } ledgerId
            ? Command(conn, tx, """
                update download_ledger
                   set md5_hash = $1, file_size = $2, status = $3, failure_kind = $4, error_message = $5,
                       ingest_run_id = $6, updated_at = now()
                 where id = $7
                """, [.. outcome, ledgerId])
            : Command(conn, tx, """
                insert into download_ledger (md5_hash, file_size, status, failure_kind, error_message, ingest_run_id,
                                             invocation_id, crm, store, store_code, filename, file_path, from_date, to_date, origin)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'ingest')
                """, [.. outcome, r.InvocationId, r.Plugin.Info.Crm, r.Store.Id, r.Store.Code,
                      Path.GetFileName(r.FilePath), Path.GetFullPath(r.FilePath), r.From ?? o.From, r.To ?? o.To]);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// A downloaded file, before its ingestion; returns the ledger id the ingestion updates (with the md5 it
    /// computes anyway, so a large file is read for its hash once).
    /// </summary>
    public static async Task<long> DownloadedAsync(NpgsqlConnection conn, Guid invocation, Store store, string path,
        DateOnly from, DateOnly to, CancellationToken ct)
    {
        await using var cmd = Command(conn, null, """
            insert into download_ledger (invocation_id, crm, store, store_code, filename, file_path, from_date, to_date,
                                         file_size, origin, status)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'download', 'downloaded')
            returning id
            """, [invocation, store.Crm, store.Id, store.Code, Path.GetFileName(path), path, from, to, new FileInfo(path).Length]);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>A download that did not happen: failed with its kind, or skipped.</summary>
    public static async Task NotDownloadedAsync(NpgsqlConnection conn, Guid invocation, Store store, string fileName,
        DateOnly from, DateOnly to, string status, string? kind, string message, CancellationToken ct)
    {
        await using var cmd = Command(conn, null, """
            insert into download_ledger (invocation_id, crm, store, store_code, filename, from_date, to_date,
                                         origin, status, failure_kind, error_message)
            values ($1, $2, $3, $4, $5, $6, $7, 'download', $8, $9, $10)
            """, [invocation, store.Crm, store.Id, store.Code, fileName, from, to, status, kind, message]);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The last day covered for a store (a successful, empty or duplicate run), for `--from auto`.</summary>
    public static async Task<DateOnly?> LastCoveredDayAsync(NpgsqlConnection conn, string crm, string store, CancellationToken ct)
    {
        await using var cmd = Command(conn, null, """
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
        await using (var cmd = Command(conn, null, "select run_id, host, pid, started_at < now() - $1 from ingest_audit where status = 'running'", [staleAfter]))
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
        await using var update = Command(conn, null, """
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

    private static NpgsqlCommand Command(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, object?[] values)
    {
        var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var value in values) cmd.Parameters.Add(Parameter(value));
        return cmd;
    }

    // Typed nulls, so PostgreSQL never has to guess a parameter's type.
    private static NpgsqlParameter Parameter(object? value) => value switch
    {
        null => new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Unknown },
        _ => new NpgsqlParameter { Value = value },
    };
}
