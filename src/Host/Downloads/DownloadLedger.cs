using CrmEtl.Host.Ingestion;
using Npgsql;

namespace CrmEtl.Host.Downloads;

/// <summary>The host's writes to download_ledger: one row per file obtained (downloaded, or handed to `ingest`), and per download that did not happen.</summary>
internal static class DownloadLedger
{
    /// <summary>A downloaded file, before its ingestion; returns the ledger id the ingestion updates.</summary>
    public static async Task<long> DownloadedAsync(NpgsqlConnection conn, Guid invocation, Store store, string dataset, string path,
        DateOnly from, DateOnly to, CancellationToken ct)
    {
        await using var cmd = Sql.Command(conn, null, """
            insert into download_ledger (invocation_id, crm, dataset, store, store_code, filename, file_path, from_date, to_date,
                                         file_size, origin, status)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'download', 'downloaded')
            returning id
            """, [invocation, store.Crm, dataset, store.Id, store.Code, Path.GetFileName(path), path, from, to, new FileInfo(path).Length]);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>A download that did not happen: failed with its kind, or skipped.</summary>
    public static async Task NotDownloadedAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid invocation, Store store, string dataset, string fileName,
        DateOnly from, DateOnly to, string status, string? kind, string message, CancellationToken ct, DateTimeOffset? at = null)
    {
        // A record written late (the database was away) keeps the time it happened.
        await using var cmd = Sql.Command(conn, tx, """
            insert into download_ledger (invocation_id, crm, dataset, store, store_code, filename, from_date, to_date,
                                         origin, status, failure_kind, error_message, downloaded_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8, 'download', $9, $10, $11, coalesce($12, now()))
            """, [invocation, store.Crm, dataset, store.Id, store.Code, fileName, from, to, status, kind, message, at]);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// What became of an ingested file: updates the download's row when there is one, else adds one for a file handed
    /// to `ingest`. Status follows the ingestion: downloaded (taken in), duplicate or failed.
    /// </summary>
    public static Task IngestedAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IngestRequest r, IngestOutcome o, CancellationToken ct) =>
        IngestedAsync(conn, tx, r.LedgerId, r.InvocationId, r.Plugin.Info.Crm, r.Dataset.Name, r.Store, r.FilePath, r.From, r.To, o, ct);

    public static async Task IngestedAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, long? ledger, Guid invocation, string crm, string dataset,
        Store? store, string filePath, DateOnly? from, DateOnly? to, IngestOutcome o, CancellationToken ct)
    {
        var status = o.Status switch
        {
            IngestOutcome.Duplicate => "duplicate",
            IngestOutcome.Failed => "failed",
            _ => "downloaded",
        };
        var failureKind = o.IsFailure ? o.ErrorStep switch { "parse" => "bad_file", _ => "ingest_failed" } : null;
        var size = File.Exists(filePath) ? new FileInfo(filePath).Length : (long?)null;
        object?[] outcome = [o.Md5, size, status, failureKind, o.Error, o.RunId, o.Rejected, AuditRecorder.TablesJson(o.Tables)];
        await using var cmd = ledger is { } ledgerId
            ? Sql.Command(conn, tx, """
                update download_ledger
                   set md5_hash = $1, file_size = $2, status = $3, failure_kind = $4, error_message = $5,
                       ingest_run_id = $6, rows_rejected = $7, table_counts = $8::jsonb, updated_at = now()
                 where id = $9
                """, [.. outcome, ledgerId])
            : Sql.Command(conn, tx, """
                insert into download_ledger (md5_hash, file_size, status, failure_kind, error_message, ingest_run_id, rows_rejected,
                                             table_counts, invocation_id, crm, dataset, store, store_code, filename, file_path,
                                             from_date, to_date, origin)
                values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'ingest')
                """, [.. outcome, invocation, crm, dataset, store?.Id, store?.Code,
                      Path.GetFileName(filePath), Path.GetFullPath(filePath), from ?? o.From, to ?? o.To]);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
