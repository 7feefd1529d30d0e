using CrmEtl.Abstractions;
using CrmEtl.Host.Logging;
using Npgsql;

namespace CrmEtl.Host.Ingestion;

/// <summary>
/// Ingests one report file for one store: md5 check, binary COPY into staging and the SQL transforms, all in
/// one transaction. Any failure rolls the whole batch back and is recorded (audit: failed, ledger: failed)
/// with the step and an error naming file, row and column; the file itself is never touched.
/// </summary>
internal sealed class IngestService(string connectionString, TransformRunner transforms)
{
    /// <summary>
    /// Files from this size on leave out of staging the rows orders already holds as they are (see
    /// <see cref="UnchangedRows"/>). Reading which rows those are costs about 0.7 s per million orders of the store,
    /// more than staging the few hundred rows of a scheduled run's file, which the transforms then skip.
    /// </summary>
    public long LeaveOutUnchangedFromBytes { get; init; } = 1 << 20;

    public async Task<IngestOutcome> IngestAsync(IngestRequest request, CancellationToken ct)
    {
        var crm = request.Plugin.Info.Crm;
        var scope = $"{crm}/{request.Store.Id}";
        var fileName = Path.GetFileName(request.FilePath);
        Log.Info(scope, "ingest.start", request.FilePath + (request.DryRun ? " (dry run)" : ""));
        var started = DateTime.UtcNow;

        string? md5 = null;
        long? runId = null;
        var step = "read";
        try
        {
            if (!File.Exists(request.FilePath)) throw new FileNotFoundException($"{request.FilePath}: file not found");

            await using var conn = new NpgsqlConnection(connectionString);
            await conn.OpenAsync(ct);
            md5 = await FileHash.Md5Async(conn, request.FilePath, remember: !request.DryRun, ct);
            if (!request.DryRun) runId = await RunRecorder.StartAsync(conn, null, request, md5, ct);
            step = "transform";
            var transformSet = await transforms.LoadAsync(request.Plugin, ct);
            var skipUnchanged = await transforms.MaySkipUnchangedAsync(conn, transformSet, request.DryRun, ct);
            step = "read";

            await using var tx = await conn.BeginTransactionAsync(ct);
            if (request.DryRun) runId = await RunRecorder.StartAsync(conn, tx, request, md5, ct);
            await RunRecorder.LockStoreAsync(conn, tx, crm, request.Store.Code, ct);

            IngestOutcome outcome;
            long? batchId = null;
            if (await RunRecorder.AlreadyIngestedAsync(conn, tx, crm, request.Store.Code, md5, runId!.Value, ct))
            {
                outcome = new IngestOutcome(crm, request.Store.Id, request.FilePath, md5, IngestOutcome.Duplicate);
            }
            else
            {
                step = "parse";
                batchId = await RunRecorder.NextBatchIdAsync(conn, tx, ct);
                var parser = request.Plugin.Plugin.Parser;
                // Rows orders already holds as they are need no staging (a big file's, while the transforms are current).
                var leftOut = skipUnchanged && new FileInfo(request.FilePath).Length >= LeaveOutUnchangedFromBytes
                    ? await UnchangedRows.LoadAsync(conn, tx, parser.Columns, request.Plugin.Info, request.Store, ct)
                    : null;
                StagingLoader.Counts copied;
                using (var reader = parser.Open(SheetOpener.ReportFile(request.FilePath)))
                {
                    copied = await StagingLoader.CopyAsync(conn, request.Plugin.Info, parser.Columns, reader,
                        request.Store, md5, batchId.Value, leftOut, ct);
                    reader.Complete();
                }
                Log.Debug(scope, "ingest.timing",
                    $"parse+copy {(DateTime.UtcNow - started).TotalSeconds:0.000} s ({copied.Read} rows read, {copied.Staged} staged)");

                if (copied.Read == 0)
                {
                    outcome = new IngestOutcome(crm, request.Store.Id, request.FilePath, md5, IngestOutcome.NoData);
                }
                else
                {
                    step = "transform";
                    var counts = leftOut?.Counts ?? new MergeCounts();
                    if (copied.Staged > 0)
                    {
                        var transformStarted = DateTime.UtcNow;
                        await RefreshStatisticsAsync(conn, tx, request.Plugin.Info.StagingTable, copied.Staged, ct);
                        counts += await transforms.RunAsync(conn, tx, transformSet, batchId.Value, skipUnchanged, ct);
                        Log.Debug(scope, "ingest.timing", $"transforms {(DateTime.UtcNow - transformStarted).TotalSeconds:0.000} s");
                    }
                    outcome = new IngestOutcome(crm, request.Store.Id, request.FilePath, md5, IngestOutcome.Succeeded,
                        copied.Staged, counts.Inserted, counts.Updated, counts.Unchanged)
                        { RowsRead = copied.Read, From = counts.FirstOrderDate, To = counts.LastOrderDate };
                }
            }

            step = "record";
            outcome = outcome with { RunId = runId, From = request.From ?? outcome.From, To = request.To ?? outcome.To };
            await RunRecorder.FinishAsync(conn, tx, runId.Value, outcome, batchId, ct);
            await RunRecorder.LedgerAsync(conn, tx, request, outcome, ct);
            if (request.DryRun) await tx.RollbackAsync(ct);
            else await tx.CommitAsync(ct);

            Log.Debug(scope, "ingest.timing", $"total {(DateTime.UtcNow - started).TotalSeconds:0.000} s, peak RSS {PeakRssMegabytes()} MB");
            Log.Info(scope, "ingest." + outcome.Status,
                $"{fileName}: {outcome.RowsRead} rows read, {outcome.RowsStaged} staged, {outcome.Inserted} inserted, {outcome.Updated} updated, " +
                $"{outcome.Unchanged} unchanged ({(DateTime.UtcNow - started).TotalSeconds:0.00} s){(request.DryRun ? " - dry run, rolled back" : "")}");
            return outcome;
        }
        catch (Exception e)
        {
            var message = ErrorMessage(e, fileName, step);
            Log.Error(scope, "ingest.failed", message);
            var failed = new IngestOutcome(crm, request.Store.Id, request.FilePath, md5, IngestOutcome.Failed, Error: message)
                { RunId = runId, ErrorStep = step, From = request.From, To = request.To };
            if (!request.DryRun) await RecordFailureAsync(request, failed, scope);
            return failed;
        }
    }

    // The transforms plan their joins on the staging table's statistics, which a bulk load leaves stale: a table
    // autovacuum last saw empty looks empty, and the nested loop chosen for it then takes minutes over 60,000
    // rows. So a load that is a tenth of the table or more is analyzed with it. A smaller one of a thousand rows or
    // more gets its batch column analyzed (about 0.2 s, a sample of 30,000 rows): a batch the statistics do not know
    // is planned as one row, and the normalise step's look-up of a later row of the same order then scans the whole
    // batch for each of its rows (10,000 rows: 16 s; with the batch known, 0.07 s). A day's file of a few hundred
    // rows into a year of history needs neither.
    private static async Task RefreshStatisticsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string table, long staged, CancellationToken ct)
    {
        var quoted = StagingLoader.Quote(table);
        var columns = "";
        await using (var known = new NpgsqlCommand("select reltuples from pg_class where oid = $1::regclass", conn, tx))
        {
            known.Parameters.AddWithValue(quoted);
            var rows = Convert.ToDouble(await known.ExecuteScalarAsync(ct));
            if (rows > 0 && staged < rows / 10)
            {
                if (staged < 1000) return;
                columns = " (load_batch_id)";
            }
        }
        await using var analyze = new NpgsqlCommand($"analyze {quoted}{columns}", conn, tx);
        await analyze.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The process's peak resident set (VmHWM), for the benchmark.</summary>
    internal static long PeakRssMegabytes()
    {
        var line = File.Exists("/proc/self/status") ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:")) : null;
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    }

    // On a fresh connection: the one that failed may be broken, and its transaction is gone.
    private async Task RecordFailureAsync(IngestRequest request, IngestOutcome failed, string scope)
    {
        try
        {
            await using var conn = new NpgsqlConnection(connectionString);
            await conn.OpenAsync(CancellationToken.None);
            if (failed.RunId is { } runId) await RunRecorder.FinishAsync(conn, null, runId, failed, null, CancellationToken.None);
            await RunRecorder.LedgerAsync(conn, null, request, failed, CancellationToken.None);
        }
        catch (Exception e)
        {
            Log.Error(scope, "ingest.record_failed", $"could not record the failure in the database: {e.Message}");
        }
    }

    private static string ErrorMessage(Exception e, string fileName, string step) => e switch
    {
        ReportFormatException or TransformException or FileNotFoundException => e.Message,
        OperationCanceledException => $"{fileName}: cancelled during {step}",
        PostgresException pg => $"{fileName}: {step} failed: {pg.MessageText}{(pg.Where is { Length: > 0 } w ? $" ({w.Split('\n')[0]})" : "")}",
        NpgsqlException npg => $"{fileName}: {step} failed: database unavailable ({npg.Message})",
        _ => $"{fileName}: {step} failed: {e.GetType().Name}: {e.Message}",
    };
}
