using System.Text.Json;
using CrmEtl.Abstractions;
using CrmEtl.Host.Cli;
using CrmEtl.Host.Ingestion;
using CrmEtl.Host.Logging;
using CrmEtl.Host.Models;
using Npgsql;

namespace CrmEtl.Host.Commands;

/// <summary>
/// Re-applies the models to batches already in staging, one transaction per batch, oldest first, so an analyst's edit
/// of a model reaches its tables without downloading anything again. Once <c>--all</c> has rebuilt every batch of a
/// dataset, its tables are known to be built with these models, and big files stage only what changed again
/// (transform_state).
/// </summary>
internal static class TransformCommand
{
    public static async Task<int> RunAsync(HostContext host, TransformOptions options, CancellationToken ct)
    {
        if (options.All && options.Batch is not null) throw new UsageException("give --all or --batch, not both");
        if (options.Report is not null && options.Crm is null) throw new UsageException("--report needs --crm");
        if (options.PrintSql && options.Batch is null) throw new UsageException("--print-sql needs --batch");
        var plugins = options.Crm is null ? host.Plugins.Plugins : [host.Plugins.Get(options.Crm)];
        var connectionString = await host.DatabaseAsync(ct);
        var results = new List<object>();
        var failed = false;

        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        foreach (var plugin in plugins)
        foreach (var dataset in options.Report is { } report ? [plugin.Dataset(report)] : plugin.Plugin.Datasets)
        {
            var set = ModelSet.Load(plugin, dataset, host.Paths.SqlRoot);
            var rebuilt = true;
            foreach (var (batch, runId, file, from, to, store) in await BatchesAsync(conn, dataset, options.Batch, ct))
            {
                var scope = $"{plugin.Info.Crm}/{dataset.Name}/batch {batch}";
                await using var tx = await conn.BeginTransactionAsync(ct);
                try
                {
                    var trace = options.PrintSql ? SqlTrace.Start() : null;
                    var result = await BatchRunner.RunAsync(conn, tx, set, new BatchContext(runId, batch, plugin.Info.Crm, dataset.Name, file, from, to, Replay: true) { StoreCode = store }, ct);
                    if (trace is not null)
                    {
                        await tx.RollbackAsync(ct);
                        foreach (var statement in trace) Console.WriteLine(statement + ";\n");
                        return 0;
                    }
                    await tx.CommitAsync(ct);
                    var (inserted, updated, unchanged) = (result.Tables.Sum(t => t.Inserted), result.Tables.Sum(t => t.Updated), result.Tables.Sum(t => t.Unchanged));
                    Log.Info(scope, "transform.done", $"{inserted} inserted, {updated} updated, {unchanged} unchanged");
                    results.Add(new
                    {
                        crm = plugin.Info.Crm, dataset = dataset.Name, batch, status = "succeeded", inserted, updated, unchanged,
                        rejected = result.Rejected,
                        tables = result.Tables.Select(t => new { table = t.Table, inserted = t.Inserted, updated = t.Updated, unchanged = t.Unchanged, deleted = t.Deleted }),
                        error = (string?)null,
                    });
                }
                catch (Exception e) when (e is ModelException or CheckFailedException)
                {
                    await tx.RollbackAsync(ct);
                    failed = true;
                    rebuilt = false;
                    Log.Error(scope, "transform.failed", e.Message);
                    results.Add(new
                    {
                        crm = plugin.Info.Crm, dataset = dataset.Name, batch, status = "failed", inserted = 0L, updated = 0L, unchanged = 0L,
                        rejected = 0L, tables = Array.Empty<object>(), error = (string?)e.Message,
                    });
                }
            }
            // One batch re-run with other models than the recorded ones leaves rows of both kinds; every batch rebuilt
            // makes every row what these models make of its latest staged row.
            if (options.Batch is not null) await ModelState.ForgetOtherVersionAsync(conn, set.StateKey, set.Version, ct);
            else if (rebuilt) await ModelState.RecordAsync(conn, set.StateKey, set.Version, ct);
        }

        if (options.Batch is { } wanted && results.Count == 0)
            throw new UsageException($"no staged batch {wanted}{(options.Crm is null ? "" : $" for --crm {options.Crm}")}");
        if (options.Json) Console.WriteLine(JsonSerializer.Serialize(new { batches = results }));
        else
        {
            Console.WriteLine($"{results.Count} batch(es) transformed{(failed ? ", some failed (see the log)" : "")}");
            foreach (var r in results) Console.WriteLine(JsonSerializer.Serialize(r));
        }
        return failed ? 1 : 0;
    }

    // The dataset's staged batches, oldest first, with the run that loaded each (when there is one) and its window.
    private static async Task<List<(long Batch, long? RunId, string? File, DateOnly? From, DateOnly? To, string? Store)>> BatchesAsync(
        NpgsqlConnection conn, Dataset dataset, long? only, CancellationToken ct)
    {
        var table = StagingLoader.Quote(dataset.StagingTable);
        await using var cmd = new NpgsqlCommand($"""
            select b.load_batch_id, a.run_id, a.filename, a.from_date, a.to_date, a.store_code
            from (select distinct load_batch_id from {table} where $1::bigint is null or load_batch_id = $1) b
            left join lateral (select run_id, filename, from_date, to_date, store_code from ingest_audit a
                               where a.load_batch_id = b.load_batch_id order by run_id desc limit 1) a on true
            order by 1
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)only ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        var batches = new List<(long, long?, string?, DateOnly?, DateOnly?, string?)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            batches.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateOnly>(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        return batches;
    }
}
