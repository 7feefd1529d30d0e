using System.Globalization;
using CrmEtl.Abstractions;
using CrmEtl.Host.Ingestion;
using CrmEtl.Host.Logging;
using Npgsql;

namespace CrmEtl.Host.Models;

/// <summary>
/// Runs a dataset's models over one staged batch, then its checks, in the caller's transaction. The models select
/// from <c>batch</c>: a temp view of the batch's staged rows, one per key (the last row of a key in the file wins, or
/// the one with the latest version), so that a model is only the business mapping.
/// </summary>
internal static class BatchRunner
{
    public static async Task<BatchResult> RunAsync(NpgsqlConnection conn, NpgsqlTransaction tx, ModelSet set, BatchContext batch, CancellationToken ct)
    {
        var scope = $"{batch.Crm}/{batch.Dataset}";
        await using (var settings = new NpgsqlCommand(
                         "select set_config('crmetl.load_batch_id', $1, true), set_config('crmetl.window_from', $2, true), " +
                         "set_config('crmetl.window_to', $3, true), set_config('crmetl.store_code', $4, true), " +
                         $"set_config('crmetl.complete_file', $5, true), {PlannerSettings}",
                         conn, tx))
        {
            foreach (var value in Settings(batch)) settings.Parameters.AddWithValue(value);
            await settings.ExecuteNonQueryAsync(ct);
        }
        SqlTrace.Add(SettingsSql(batch));
        if (set.ReadsLeftOut) await LeftOutAsync(conn, tx, batch.LeftOut ?? [], ct);
        var view = BatchView(set.Dataset, batch.BatchId, batch.Staged);
        SqlTrace.Add(view);
        await using (var create = new NpgsqlCommand(view, conn, tx)) await create.ExecuteNonQueryAsync(ct);

        var tables = new List<TableCounts>();
        long rejected = 0;
        for (var i = 0; i < set.Models.Count; i++)
        {
            var model = set.Models[i];
            var started = DateTime.UtcNow;
            if (model.Kind == Materialize.Temp)
            {
                var rows = await ModelSql.ExecuteAsync(conn, tx, $"create temp table {StagingLoader.Quote(model.Name)} on commit drop as\n", model, "", ct);
                if (rows >= 1000)
                {
                    var sql = $"analyze pg_temp.{StagingLoader.Quote(model.Name)}";
                    SqlTrace.Add(sql);
                    await using var analyze = new NpgsqlCommand(sql, conn, tx);
                    await analyze.ExecuteNonQueryAsync(ct);
                }
            }
            else
            {
                var (counts, refused) = await Materializer.ApplyAsync(conn, tx, model, i, batch, ct);
                tables.Add(counts);
                rejected += refused;
            }
            Log.Debug(scope, "model.done", $"{Path.GetFileName(model.File)} batch {batch.BatchId} ({(DateTime.UtcNow - started).TotalMilliseconds:0} ms)");
        }
        SqlTrace.Add("drop view pg_temp.batch");
        await using (var drop = new NpgsqlCommand("drop view pg_temp.batch", conn, tx)) await drop.ExecuteNonQueryAsync(ct);

        var found = new List<CheckResult>();
        foreach (var check in set.Checks)
        {
            if (await RunCheckAsync(conn, tx, check, ct) is not { } result) continue;
            await RecordCheckAsync(conn, tx, batch.RunId, result, ct);
            if (result.IsError) throw new CheckFailedException(result);
            Log.Warn(scope, "check.warn", result.Message);
            found.Add(result);
        }
        return new BatchResult(TableCounts.Sum(tables), rejected, found);
    }

    // JIT off: a model whose rows a pseudo-constant rules out (crm_etl_complete_file() false) is still costed as a scan
    // of its target, and compiling it took 1.2-1.6 s for nothing (100k orders); the big models ran no faster with it.
    private const string PlannerSettings = "set_config('jit', 'off', true)";

    private static string[] Settings(BatchContext batch) =>
    [
        batch.BatchId.ToString(CultureInfo.InvariantCulture),
        batch.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
        batch.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
        batch.StoreCode ?? "",
        batch.CompleteFile && !batch.Replay ? "true" : "false",
    ];

    // The settings as psql would set them (for the trace; the host sets them with parameters).
    private static string SettingsSql(BatchContext batch)
    {
        string[] names = ["load_batch_id", "window_from", "window_to", "store_code", "complete_file"];
        return "select " + string.Join(", ", names.Zip(Settings(batch), (n, v) => $"set_config('crmetl.{n}', '{v.Replace("'", "''")}', true)")) +
               ", " + PlannerSettings;
    }

    // batch_left_out: the hashes of a big file's rows that were left out of staging as unchanged (they are in the file).
    private static async Task LeftOutAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<UInt128> hashes, CancellationToken ct)
    {
        const string create = "drop table if exists pg_temp.batch_left_out;\ncreate temp table batch_left_out (row_hash text not null) on commit drop";
        SqlTrace.Add(create);
        await using (var cmd = new NpgsqlCommand(create, conn, tx)) await cmd.ExecuteNonQueryAsync(ct);
        if (hashes.Count == 0) return;
        await using (var import = await conn.BeginBinaryImportAsync("copy batch_left_out (row_hash) from stdin (format binary)", ct))
        {
            foreach (var hash in hashes)
            {
                await import.StartRowAsync(ct);
                await import.WriteAsync(RowHasher.Hex(hash), NpgsqlTypes.NpgsqlDbType.Text, ct);
            }
            await import.CompleteAsync(ct);
        }
        await using var analyze = new NpgsqlCommand("analyze pg_temp.batch_left_out", conn, tx);
        await analyze.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The batch view: the batch's staged rows, and of rows repeating the dataset's key only the winner (the latest
    /// version, then the last row). The batch id is written into the view, so the planner sees which batch it is;
    /// the staging table's index on (load_batch_id, key, row) makes each look-up one probe.
    /// </summary>
    public static string BatchView(Dataset dataset, long batchId, long? staged = null)
    {
        var table = StagingLoader.Quote(dataset.StagingTable);
        var keys = dataset.Columns.Where(c => c.IsKey).Select(c => StagingLoader.Quote(c.Name)).ToList();
        var version = dataset.Columns.FirstOrDefault(c => c.IsVersion) is { } v ? StagingLoader.Quote(v.Name) : null;
        var id = batchId.ToString(CultureInfo.InvariantCulture);
        var sql = $"drop view if exists pg_temp.batch;\ncreate temp view batch as\nselect s.* from {table} s\nwhere s.load_batch_id = {id}";
        if (keys.Count == 0) return sql;
        var later = version is null
            ? "l.source_row_number > s.source_row_number"
            : $"(l.{version} > s.{version} or l.{version} = s.{version} and l.source_row_number > s.source_row_number)";
        // A batch of fewer than 100,000 rows looks up each row's later one by its whole key (offset 0 keeps the look-up
        // a per-row probe): as a join, a batch the statistics do not know yet (their ANALYZE gave way to autovacuum's) was
        // planned as one row and each row scanned the whole batch, 12 s for 10,000 rows. A bigger batch has been
        // analyzed whole, and a join over it is faster than a million probes (1.0 s against 2.5 s).
        var fence = staged is >= 100_000 ? "" : " offset 0";
        return sql + $"\n  and not exists (select 1 from {table} l where l.load_batch_id = {id} and " +
               string.Join(" and ", keys.Select(k => $"l.{k} = s.{k}")) + $" and {later}{fence})";
    }

    private static async Task<CheckResult?> RunCheckAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Check check, CancellationToken ct)
    {
        const string prefix = "select count(*) over () as crm_etl_rows, to_jsonb(c) as crm_etl_row from (\n";
        var sql = prefix + check.Sql + "\n) c limit 3";
        SqlTrace.Add(sql);
        try
        {
            await using var cmd = new NpgsqlCommand(sql, conn, tx);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            long rows = 0;
            var sample = new List<string>();
            while (await reader.ReadAsync(ct))
            {
                rows = reader.GetInt64(0);
                sample.Add(reader.GetString(1));
            }
            return rows == 0 ? null : new CheckResult(check.Name, check.IsError, rows, string.Join(", ", sample));
        }
        catch (PostgresException e) when (!Database.Outage.Is(e))
        {
            throw new ModelException(check.File, ModelSql.Describe(e, check.Sql, prefix.Length), e);
        }
    }

    public static async Task RecordCheckAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, long? runId, CheckResult result, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "insert into ingest_checks (run_id, check_name, severity, failed_rows, sample) values ($1, $2, $3, $4, $5::jsonb)", conn, tx);
        cmd.Parameters.Add(Sql.Parameter(runId));
        cmd.Parameters.AddWithValue(result.Name);
        cmd.Parameters.AddWithValue(result.IsError ? "error" : "warn");
        cmd.Parameters.AddWithValue(result.Rows);
        cmd.Parameters.AddWithValue("[" + result.Sample + "]");
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>What the models and checks did to one batch.</summary>
internal sealed record BatchResult(IReadOnlyList<TableCounts> Tables, long Rejected, IReadOnlyList<CheckResult> Warnings);
