using CrmEtl.Abstractions;
using CrmEtl.Host.Database;
using CrmEtl.Host.Downloads;
using CrmEtl.Host.Logging;
using CrmEtl.Host.Models;
using CrmEtl.Host.Plugins;
using CrmEtl.Host.Reading;
using Npgsql;

namespace CrmEtl.Host.Ingestion;

/// <summary>
/// Ingests one file into one dataset: md5 check, binary COPY into staging, the dataset's models and checks, all in one
/// transaction. Any failure rolls the whole batch back and is recorded (audit: failed, ledger: failed) with the step
/// and an error naming file, row and column; the file itself is never touched.
/// </summary>
internal sealed class IngestService(string connectionString, CrmEtlPaths paths)
{
    /// <summary>
    /// Files from this size on leave out of staging the rows already loaded as they are (see <see cref="UnchangedRows"/>).
    /// Reading which rows those are costs about 0.7 s per million rows of the store, more than staging the few hundred
    /// rows of a scheduled run's file.
    /// </summary>
    public long LeaveOutUnchangedFromBytes { get; init; } = 1 << 20;

    public async Task<IngestOutcome> IngestAsync(IngestRequest request, CancellationToken ct)
    {
        var crm = request.Plugin.Info.Crm;
        var scope = request.Scope;
        var fileName = Path.GetFileName(request.FilePath);
        Log.Info(scope, "ingest.start", request.FilePath + (request.DryRun ? " (dry run)" : ""));
        var started = DateTime.UtcNow;
        // An all-or-nothing dataset fails on its first unreadable row; so does a model's reject there.
        var rejects = new RejectList(request.Dataset.AllOrNothing ? 0 : request.MaxRejects, request.Dataset.AllOrNothing);

        string? md5 = null;
        long? runId = null;
        RunIdentity? run = null;
        var step = "read";
        try
        {
            FileProbe.RequireRegularFile(request.FilePath);

            await using var conn = new NpgsqlConnection(connectionString);
            await conn.OpenAsync(ct);
            md5 = await FileHash.Md5Async(conn, request.FilePath, remember: !request.DryRun, ct);
            run = new RunIdentity(request.InvocationId, crm, request.Dataset.Name, request.Store, null, request.FilePath, request.From, request.To, md5);
            if (!request.DryRun) runId = await AuditRecorder.StartAsync(conn, null, run, ct);
            step = "model";
            var set = ModelSet.Load(request.Plugin, request.Dataset, paths.SqlRoot);
            var current = await ModelState.IsCurrentAsync(conn, set, request.DryRun, ct);
            step = "read";

            await using var tx = await conn.BeginTransactionAsync(ct);
            if (request.DryRun) runId = await AuditRecorder.StartAsync(conn, tx, run, ct);
            await AuditRecorder.LockAsync(conn, tx, crm, request.Store?.Code ?? request.Dataset.Name, ct);

            IngestOutcome outcome;
            if (await AuditRecorder.AlreadyIngestedAsync(conn, tx, run, runId!.Value, ct))
            {
                outcome = new IngestOutcome(crm, request.Store?.Id, request.FilePath, md5, IngestOutcome.Duplicate);
            }
            else
            {
                step = "parse";
                var batchId = await AuditRecorder.NextBatchIdAsync(conn, tx, ct);
                // A whole file of its window may say what it no longer lists (models that ask crm_etl_complete_file()),
                // so its models run even when it staged nothing, and see the rows it left out (batch_left_out).
                var complete = request.From is not null && request.To is not null && request.Dataset.AllOrNothing;
                var decides = complete && set.DecidesOnCompleteFiles;
                // Rows already loaded as they are need no staging (a big file's, while the models are current).
                var leftOut = current && new FileInfo(request.FilePath).Length >= LeaveOutUnchangedFromBytes
                    ? await UnchangedRows.LoadAsync(conn, tx, set, request.Store, keepHashes: decides && set.ReadsLeftOut, ct)
                    : null;
                var parser = LoadedPlugin.ParserFor(request.Dataset);
                var lineage = new StagingLoader.Lineage(request.Plugin.Info.SourceSystem, request.Store?.Code, request.Store?.CostCenter, md5, batchId);
                StagingLoader.Counts copied;
                ReportSummary summary;
                using (var reader = parser.Open(new HostReportFile(request.FilePath, rejects.Add)))
                {
                    copied = await StagingLoader.CopyAsync(conn, request.Dataset.StagingTable, parser.Columns, lineage,
                        (rows, token) => Task.Run(() =>
                        {
                            var n = 0L;
                            while (reader.Read())
                            {
                                rows.Add(reader.Values, reader.RowNumber, reader.Sheet, reader.ExtraColumnsJson);
                                if ((++n & 4095) == 0) request.Progress?.RowsRead(n);
                            }
                            request.Progress?.RowsRead(n);
                        }, token),
                        leftOut, fileName, ct);
                    summary = reader.Complete();
                }
                Log.Debug(scope, "ingest.timing",
                    $"parse+copy {(DateTime.UtcNow - started).TotalSeconds:0.000} s ({copied.Read} rows read, {copied.Staged} staged, {rejects.Count} rejected)");

                var read = copied.Read + rejects.Count;
                if (read == 0 && !decides)
                {
                    outcome = new IngestOutcome(crm, request.Store?.Id, request.FilePath, md5, IngestOutcome.NoData) { Warnings = summary.Warnings };
                }
                else
                {
                    step = "model";
                    var (from, to) = (request.From, request.To);
                    if (from is null || to is null)
                    {
                        var (first, last) = await DaysAsync(conn, tx, request.Dataset, batchId, leftOut, ct);
                        (from, to) = (from ?? first, to ?? last);
                    }
                    var tables = new List<TableCounts>();
                    var modelRejects = 0L;
                    var warnings = summary.Warnings.ToList();
                    if (copied.Staged > 0 || decides)
                    {
                        request.Progress?.Step($"modelling {copied.Staged:N0} staged rows");
                        var modelled = DateTime.UtcNow;
                        await StagingStatistics.RefreshAsync(conn, tx, request.Dataset.StagingTable, copied.Staged, ct);
                        var context = new BatchContext(runId.Value, batchId, crm, request.Dataset.Name, fileName, from, to)
                        {
                            Staged = copied.Staged, StoreCode = request.Store?.Code, CompleteFile = complete, LeftOut = leftOut?.LeftOutHashes,
                        };
                        var result = await BatchRunner.RunAsync(conn, tx, set, context, ct);
                        tables.AddRange(result.Tables);
                        modelRejects = result.Rejected;
                        warnings.AddRange(result.Warnings.Select(w => w.Message));
                        Log.Debug(scope, "ingest.timing", $"models {(DateTime.UtcNow - modelled).TotalSeconds:0.000} s");
                    }
                    if (leftOut is { Unchanged: > 0 })
                        tables = TableCounts.Sum(tables.Prepend(new TableCounts(leftOut.Target, 0, 0, leftOut.Unchanged))).ToList();
                    rejects.CheckTotal(modelRejects);
                    outcome = new IngestOutcome(crm, request.Store?.Id, request.FilePath, md5, read == 0 ? IngestOutcome.NoData : IngestOutcome.Succeeded)
                    {
                        RowsStaged = copied.Staged, Tables = tables, BatchId = batchId, From = from, To = to,
                        Rejected = rejects.Count + modelRejects, Warnings = warnings,
                    };
                }
                outcome = outcome with { RowsRead = read };
            }

            step = "record";
            request.Progress?.Step(request.DryRun ? "rolling back (dry run)" : "committing");
            outcome = outcome with
            {
                Dataset = request.Dataset.Name, RunId = runId, DryRun = request.DryRun,
                From = request.From ?? outcome.From, To = request.To ?? outcome.To,
            };
            await AuditRecorder.RejectsAsync(conn, tx, runId.Value, run, rejects.Kept, ct);
            await AuditRecorder.FinishAsync(conn, tx, runId.Value, outcome, ct);
            await DownloadLedger.IngestedAsync(conn, tx, request, outcome, ct);
            if (request.DryRun) await tx.RollbackAsync(ct);
            else await tx.CommitAsync(ct);

            Log.Debug(scope, "ingest.timing", $"total {(DateTime.UtcNow - started).TotalSeconds:0.000} s, peak RSS {PeakRssMegabytes()} MB");
            Log.Info(scope, "ingest." + outcome.Status,
                $"{fileName}: {outcome.RowsRead} rows read, {outcome.RowsStaged} staged, {outcome.Rejected} rejected, " +
                $"{outcome.Inserted} inserted, {outcome.Updated} updated, {outcome.Unchanged} unchanged " +
                $"({(DateTime.UtcNow - started).TotalSeconds:0.00} s){(request.DryRun ? " - dry run, rolled back" : "")}");
            return outcome;
        }
        catch (Exception e)
        {
            var message = ErrorMessage(e, fileName, step);
            Log.Error(scope, "ingest.failed", message);
            Log.Debug(scope, "ingest.timing", $"total {(DateTime.UtcNow - started).TotalSeconds:0.000} s, peak RSS {PeakRssMegabytes()} MB");
            var failed = new IngestOutcome(crm, request.Store?.Id, request.FilePath, md5, IngestOutcome.Failed, Error: message)
            {
                Dataset = request.Dataset.Name, RunId = runId, ErrorStep = step, From = request.From, To = request.To,
                Rejected = rejects.Count, DryRun = request.DryRun,
            };
            if (!request.DryRun)
                failed = await RecordFailureAsync(request, run ?? new RunIdentity(request.InvocationId, crm, request.Dataset.Name, request.Store, null,
                    request.FilePath, request.From, request.To, md5), failed, rejects, e as CheckFailedException, scope);
            return failed;
        }
    }

    // The days a batch covers: its staged rows' dates and those of the rows left out of staging.
    private static async Task<(DateOnly?, DateOnly?)> DaysAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Dataset dataset, long batchId,
        UnchangedRows? leftOut, CancellationToken ct)
    {
        if (dataset.Columns.FirstOrDefault(c => c.IsDate) is not { } date) return (null, null);
        await using var cmd = new NpgsqlCommand(
            $"select min({StagingLoader.Quote(date.Name)})::date, max({StagingLoader.Quote(date.Name)})::date from {StagingLoader.Quote(dataset.StagingTable)} where load_batch_id = $1",
            conn, tx);
        cmd.Parameters.AddWithValue(batchId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        DateOnly? first = reader.IsDBNull(0) ? null : reader.GetFieldValue<DateOnly>(0);
        DateOnly? last = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateOnly>(1);
        if (leftOut?.FirstDay is { } f && (first is null || f < first)) first = f;
        if (leftOut?.LastDay is { } l && (last is null || l > last)) last = l;
        return (first, last);
    }


    /// <summary>The process's peak resident set (VmHWM), for the benchmark.</summary>
    internal static long PeakRssMegabytes()
    {
        var line = File.Exists("/proc/self/status") ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:")) : null;
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    }

    // On a fresh connection: the one that failed may be broken, and its transaction is gone. What was found is kept:
    // the rejected rows that made the run fail, the check that failed.
    private async Task<IngestOutcome> RecordFailureAsync(IngestRequest request, RunIdentity run, IngestOutcome failed, RejectList rejects,
        CheckFailedException? check, string scope)
    {
        try
        {
            await using var conn = new NpgsqlConnection(connectionString);
            await conn.OpenAsync(CancellationToken.None);
            // A run that failed before it was recorded (the file could not even be hashed) is recorded now.
            var runId = failed.RunId ?? await AuditRecorder.StartAsync(conn, null, run, CancellationToken.None);
            failed = failed with { RunId = runId };
            await AuditRecorder.FinishAsync(conn, null, runId, failed, CancellationToken.None);
            await AuditRecorder.RejectsAsync(conn, null, runId, run, rejects.Kept, CancellationToken.None);
            if (check is not null) await BatchRunner.RecordCheckAsync(conn, null, runId, check.Result, CancellationToken.None);
            await DownloadLedger.IngestedAsync(conn, null, request, failed, CancellationToken.None);
        }
        catch (Exception e) when (Outage.Is(e))
        {
            PendingRecords.Save(paths.Home, new PendingRecords.Failure(request.InvocationId, request.Plugin.Info.Crm, request.Dataset.Name,
                request.Store?.Id, request.Store?.Code, request.Store?.CostCenter, request.FilePath, request.From, request.To, failed.Md5,
                failed.RunId, request.LedgerId, failed.Error!, failed.ErrorStep!, DateTimeOffset.UtcNow));
            Log.Warn(scope, "ingest.record_pending",
                $"the database is away: the failure is kept in {Path.Combine(paths.Home, "pending")} and recorded by the next command that reaches it");
        }
        catch (Exception e)
        {
            Log.Error(scope, "ingest.record_failed", $"could not record the failure in the database: {e.Message}");
        }
        return failed;
    }

    private static string ErrorMessage(Exception e, string fileName, string step) => e switch
    {
        _ when Outage.Is(e) && e is not ReportFormatException =>
            $"{fileName}: the database went away during {step} ({Outage.Describe(e)}); nothing of the file was kept, and the file stays for the next run",
        ReportFormatException or ModelException or FileNotFoundException => e.Message,
        CheckFailedException or RejectList.TooManyRejectsException => $"{fileName}: {e.Message}",
        OperationCanceledException => $"{fileName}: cancelled during {step}",
        PostgresException pg => $"{fileName}: {step} failed: {pg.MessageText}{(pg.Where is { Length: > 0 } w ? $" ({w.Split('\n')[0]})" : "")}",
        NpgsqlException npg => $"{fileName}: {step} failed: database unavailable ({npg.Message})",
        _ => $"{fileName}: {step} failed: {e.GetType().Name}: {e.Message}",
    };
}
