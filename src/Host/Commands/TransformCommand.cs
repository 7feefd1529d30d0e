using System.Text.Json;
using CrmEtl.Host.Cli;
using CrmEtl.Host.Ingestion;
using CrmEtl.Host.Logging;
using CrmEtl.Host.Plugins;
using Npgsql;

namespace CrmEtl.Host.Commands;

/// <summary>
/// Re-applies the transforms to batches already in staging, one transaction per batch, oldest first, so an
/// analyst's edit of sql/transforms reaches orders without downloading anything again. A re-run normalises every
/// staged row; once <c>--all</c> has rebuilt every batch of a source, its orders are known to be built with these
/// transforms, and loads skip unchanged rows again (transform_state).
/// </summary>
internal static class TransformCommand
{
    public static async Task<int> RunAsync(HostContext host, TransformOptions options, CancellationToken ct)
    {
        if (options.All && options.Batch is not null) throw new UsageException("give --all or --batch, not both");
        var plugins = options.Crm is null ? host.Plugins.Plugins : [host.Plugins.Get(options.Crm)];
        var connectionString = await host.DatabaseAsync(ct);
        var runner = host.Transforms;
        var results = new List<object>();
        var failed = false;

        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        foreach (var plugin in plugins)
        {
            var set = await runner.LoadAsync(plugin, ct);
            var rebuilt = true;
            foreach (var batch in await BatchesAsync(conn, plugin, options.Batch, ct))
            {
                var scope = $"{plugin.Info.Crm}/batch {batch}";
                await using var tx = await conn.BeginTransactionAsync(ct);
                try
                {
                    var counts = await runner.RunAsync(conn, tx, set, batch, skipUnchanged: false, ct);
                    await tx.CommitAsync(ct);
                    Log.Info(scope, "transform.done", $"{counts.Inserted} inserted, {counts.Updated} updated, {counts.Unchanged} unchanged");
                    results.Add(new { crm = plugin.Info.Crm, batch, status = "succeeded", inserted = counts.Inserted, updated = counts.Updated, unchanged = counts.Unchanged, error = (string?)null });
                }
                catch (TransformException e)
                {
                    await tx.RollbackAsync(ct);
                    failed = true;
                    rebuilt = false;
                    Log.Error(scope, "transform.failed", e.Message);
                    results.Add(new { crm = plugin.Info.Crm, batch, status = "failed", inserted = 0L, updated = 0L, unchanged = 0L, error = (string?)e.Message });
                }
            }
            // One batch re-run with other transforms than the recorded ones leaves orders of both kinds; every batch
            // rebuilt makes every order what these transforms make of its latest staged row.
            if (options.Batch is not null) await TransformRunner.ForgetOtherVersionAsync(conn, plugin.Info.TransformFolder, set.Version, ct);
            else if (rebuilt) await TransformRunner.RecordVersionAsync(conn, plugin.Info.TransformFolder, set.Version, ct);
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

    private static async Task<List<long>> BatchesAsync(NpgsqlConnection conn, LoadedPlugin plugin, long? only, CancellationToken ct)
    {
        var table = StagingLoader.Quote(plugin.Info.StagingTable);
        await using var cmd = new NpgsqlCommand(
            $"select distinct load_batch_id from {table} where $1::bigint is null or load_batch_id = $1 order by 1", conn);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)only ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        var batches = new List<long>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) batches.Add(reader.GetInt64(0));
        return batches;
    }
}
