using CrmEtl.Abstractions;
using CrmEtl.Abstractions.Api;
using CrmEtl.Host.Logging;
using CrmEtl.Host.Models;
using CrmEtl.Host.Plugins;
using Npgsql;

namespace CrmEtl.Host.Ingestion;

/// <summary>
/// Pulls an API dataset scope by scope (an ERPNext instance and doctype, a CRM entity). Each scope is one run in
/// ingest_audit and one transaction: the records since its cursor, COPYed into staging while they arrive, the models
/// and checks, and the cursor after them, committed together; a scope that fails rolls back alone (its cursor stays)
/// and the others go on.
/// </summary>
internal sealed class PullService(string connectionString, CrmEtlPaths paths)
{
    public async Task<IReadOnlyList<IngestOutcome>> PullAsync(PullRequest request, CancellationToken ct)
    {
        var outcomes = new List<IngestOutcome>();
        foreach (var dataset in request.Plugin.Plugin.Datasets.Where(d => d.Api is not null && (request.Dataset is null || d.Name == request.Dataset)))
        {
            var context = request.Context;
            IReadOnlyList<PullScope> scopes;
            try
            {
                scopes = await dataset.Api!.ScopesAsync(context, ct);
            }
            catch (ApiException e)
            {
                // Not even the list of what to pull: one failed run for the dataset.
                scopes = [new PullScope("*") { Error = e.Message }];
            }
            foreach (var scope in scopes) outcomes.Add(await PullScopeAsync(request, dataset, scope, ct));
        }
        return outcomes;
    }

    private async Task<IngestOutcome> PullScopeAsync(PullRequest request, Dataset dataset, PullScope pullScope, CancellationToken ct)
    {
        var crm = request.Plugin.Info.Crm;
        var scope = pullScope.Name;
        var logScope = $"{crm}/{scope}";
        var api = dataset.Api!;
        var started = DateTime.UtcNow;
        var rejects = new RejectList(request.MaxRejects, allOrNothing: false);
        var run = new RunIdentity(request.InvocationId, crm, dataset.Name, null, scope, null, null, null, null);
        long? runId = null;
        var step = "pull";
        Log.Info(logScope, "pull.start", request.Context.Full ? "every record (--full)" : "records changed since the last pull");
        try
        {
            await using var conn = new NpgsqlConnection(connectionString);
            await conn.OpenAsync(ct);
            runId = await AuditRecorder.StartAsync(conn, null, run, ct);
            if (pullScope.Error is { } error) throw new ApiException(error);
            var set = ModelSet.Load(request.Plugin, dataset, paths.SqlRoot);
            await ModelState.IsCurrentAsync(conn, set, dryRun: false, ct);

            await using var tx = await conn.BeginTransactionAsync(ct);
            await AuditRecorder.LockAsync(conn, tx, crm, scope, ct);
            var cursor = request.Context.Full ? null : await CursorAsync(conn, tx, crm, scope, ct);
            var batchId = await AuditRecorder.NextBatchIdAsync(conn, tx, ct);
            var lineage = new StagingLoader.Lineage(request.Plugin.Info.SourceSystem, null, null, null, batchId);
            string? next = cursor;
            var copied = await StagingLoader.CopyAsync(conn, dataset.StagingTable, api.Columns, lineage,
                async (rows, token) => next = await api.PullAsync(request.Context, scope, cursor, new Sink(rows, rejects), token),
                leaveOut: null, fileName: scope, ct);
            Log.Debug(logScope, "pull.timing", $"pull+copy {(DateTime.UtcNow - started).TotalSeconds:0.000} s ({copied.Read} records, {rejects.Count} rejected)");

            step = "model";
            // The models run even when nothing new arrived: one may place what waited for another scope's rows (a
            // deal for its account), and over an empty batch the others cost next to nothing.
            if (copied.Staged > 0) await StagingStatistics.RefreshAsync(conn, tx, dataset.StagingTable, copied.Staged, ct);
            var result = await BatchRunner.RunAsync(conn, tx, set, new BatchContext(runId.Value, batchId, crm, dataset.Name, scope, null, null) { Staged = copied.Staged }, ct);
            var tables = result.Tables;
            rejects.CheckTotal(result.Rejected);

            step = "record";
            var read = copied.Read + rejects.Count;
            var wrote = tables.Any(t => t.Inserted + t.Updated + t.Deleted > 0);
            var outcome = new IngestOutcome(crm, null, scope, null, read == 0 && !wrote ? IngestOutcome.NoData : IngestOutcome.Succeeded)
            {
                Dataset = dataset.Name, Scope = scope, RunId = runId, BatchId = batchId, RowsRead = read, RowsStaged = copied.Staged,
                Tables = tables, Rejected = rejects.Count + result.Rejected, Warnings = result.Warnings.Select(w => w.Message).ToList(),
            };
            await SaveCursorAsync(conn, tx, crm, scope, next, runId.Value, ct);
            await AuditRecorder.RejectsAsync(conn, tx, runId.Value, run, rejects.Kept, ct);
            await AuditRecorder.FinishAsync(conn, tx, runId.Value, outcome, ct);
            await tx.CommitAsync(ct);
            Log.Info(logScope, "pull." + outcome.Status,
                $"{outcome.RowsRead} records, {outcome.Rejected} rejected, {outcome.Inserted} inserted, {outcome.Updated} updated, " +
                $"{outcome.Unchanged} unchanged ({(DateTime.UtcNow - started).TotalSeconds:0.00} s)");
            return outcome;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var message = e switch
            {
                ApiException or ModelException => $"{scope}: {e.Message}",
                CheckFailedException or RejectList.TooManyRejectsException => $"{scope}: {e.Message}",
                ReportFormatException => e.Message,
                PostgresException pg => $"{scope}: {step} failed: {pg.MessageText}",
                _ => $"{scope}: {step} failed: {e.GetType().Name}: {e.Message}",
            };
            Log.Error(logScope, "pull.failed", message);
            var failed = new IngestOutcome(crm, null, scope, null, IngestOutcome.Failed, message)
            {
                Dataset = dataset.Name, Scope = scope, RunId = runId, ErrorStep = step, Rejected = rejects.Count,
            };
            try
            {
                await using var conn = new NpgsqlConnection(connectionString);
                await conn.OpenAsync(CancellationToken.None);
                var id = runId ?? await AuditRecorder.StartAsync(conn, null, run, CancellationToken.None);
                failed = failed with { RunId = id };
                await AuditRecorder.FinishAsync(conn, null, id, failed, CancellationToken.None);
                await AuditRecorder.RejectsAsync(conn, null, id, run, rejects.Kept, CancellationToken.None);
                if (e is CheckFailedException check) await BatchRunner.RecordCheckAsync(conn, null, id, check.Result, CancellationToken.None);
            }
            catch (Exception record)
            {
                Log.Error(logScope, "pull.record_failed", $"could not record the failure in the database: {record.Message}");
            }
            return failed;
        }
    }

    private static async Task<string?> CursorAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string crm, string scope, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select cursor from source_cursors where crm = $1 and scope = $2", conn, tx);
        cmd.Parameters.AddWithValue(crm);
        cmd.Parameters.AddWithValue(scope);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    private static async Task SaveCursorAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string crm, string scope, string? cursor, long runId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into source_cursors (crm, scope, cursor, run_id) values ($1, $2, $3, $4)
            on conflict (crm, scope) do update set cursor = excluded.cursor, run_id = excluded.run_id, updated_at = now()
            """, conn, tx);
        cmd.Parameters.AddWithValue(crm);
        cmd.Parameters.AddWithValue(scope);
        cmd.Parameters.AddWithValue((object?)cursor ?? DBNull.Value);
        cmd.Parameters.AddWithValue(runId);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    // The plugin's rows into the COPY, numbered in the order they came.
    private sealed class Sink(StagingLoader.RowChannel rows, RejectList rejects) : IRowSink
    {
        public void Add(IReadOnlyList<object?> values) => rows.Add(values, rows.Count + 1, null, null);

        public void Reject(RowReject reject) => rejects.Add(reject);

        public long Count => rows.Count;
    }
}

/// <summary>A pull of one plugin: its API datasets (or one of them), with the context the plugin's API code gets.</summary>
internal sealed record PullRequest(LoadedPlugin Plugin, string? Dataset, PullContext Context, Guid InvocationId, int MaxRejects);
