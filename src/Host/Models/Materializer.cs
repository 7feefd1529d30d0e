using Npgsql;
using CrmEtl.Host.Ingestion;

namespace CrmEtl.Host.Models;

/// <summary>
/// Writes one model's rows into its target, in the load's transaction. The model's SELECT is run once into a temp
/// table (in parallel where PostgreSQL can), with each row's key looked up in the target, so that new keys are
/// inserted without a conflict check and only keys the target has are compared. Then, by the model's kind:
/// <list type="bullet">
/// <item>merge: insert new keys; update a key whose selected columns differ from the stored ones (compared as the
/// target's types), unless the stored row is newer: a later batch wrote it, or its version column is later;</item>
/// <item>update: only the update, of keys the target has;</item>
/// <item>rebuild: as merge, and a key returned with every other column null is deleted.</item>
/// </list>
/// Rows with a <c>reject_reason</c> go to <c>ingest_rejects</c> instead. Columns the target has and the model does not
/// select are the host's: <c>load_batch_id</c> (the batch that wrote the row), <c>source_hash</c> (a hash of the
/// selected columns), <c>updated_at</c> (when it changed), <c>last_seen_at</c> (when a load last carried it).
/// </summary>
internal static class Materializer
{
    // Columns a model may return that are not the target's: why a row is rejected, and where the row came from.
    private static readonly HashSet<string> RejectColumns = ["reject_reason", "reject_column", "reject_value"];
    private static readonly HashSet<string> LineageColumns = ["source_row_number", "source_sheet"];
    private const string IsNew = "crm_etl_new";

    public static async Task<(TableCounts Counts, long Rejected)> ApplyAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, Model model, int index, BatchContext batch, CancellationToken ct)
    {
        var target = await TableColumns(conn, tx, model.Target!, model.File, ct);
        foreach (var key in model.Key.Append(model.Version).OfType<string>())
            if (!target.ContainsKey(key)) throw new ModelException(model.File, $"'{key}' (in its key or version) is not a column of {model.Target}");

        var temp = $"crm_etl_model_{index}";
        var join = string.Join(" and ", model.Key.Select(k => $"t.{Q(k)} = q.{Q(k)}"));
        var prefix = $"create temp table {temp} on commit drop as\nselect q.*, t.{Q(model.Key[0])} is null as {IsNew}\nfrom (\n";
        var suffix = $"\n) q\nleft join {QName(model.Target!)} t on {join}";
        var total = await ModelSql.ExecuteAsync(conn, tx, prefix, model, suffix, ct);

        var output = await TableColumns(conn, tx, $"pg_temp.{temp}", model.File, ct);
        output.Remove(IsNew);
        foreach (var column in output.Keys)
            if (!target.ContainsKey(column) && !RejectColumns.Contains(column) && !LineageColumns.Contains(column))
                throw new ModelException(model.File, $"it returns the column '{column}', which {model.Target} does not have");
        foreach (var key in model.Key)
            if (!output.ContainsKey(key)) throw new ModelException(model.File, $"it does not return its key column '{key}'");

        var m = $"pg_temp.{temp}";
        long rejected = 0;
        var accepted = "true";
        if (output.ContainsKey("reject_reason"))
        {
            rejected = await RejectAsync(conn, tx, m, output, batch, Path.GetFileName(model.File), ct);
            accepted = "m.reject_reason is null";
        }

        string Typed(string column) => $"m.{Q(column)}::{target[column]}";
        // Written into the statements (a number), so each is whole as it stands: the same SQL runs in psql.
        var batchId = batch.BatchId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var content = output.Keys.Where(c => target.ContainsKey(c) && !model.Key.Contains(c)).ToList();
        var selected = model.Key.Concat(content).ToList();
        var hostBatch = target.ContainsKey("load_batch_id") && !output.ContainsKey("load_batch_id") && model.Kind != Materialize.Update;
        var hostHash = target.ContainsKey("source_hash") && !output.ContainsKey("source_hash") && model.Kind != Materialize.Update;
        var hash = $"hash_record_extended(row({string.Join(", ", selected.Select(Typed))}), 0)::text";
        var keysMatch = string.Join(" and ", model.Key.Select(k => $"t.{Q(k)} = {Typed(k)}"));
        var emptied = model.Kind == Materialize.Rebuild && content.Count > 0
            ? "(" + string.Join(" and ", content.Select(c => $"m.{Q(c)} is null")) + ")"
            : "false";

        long inserted = 0, updated = 0, deleted = 0, existingRows;
        if (model.Kind == Materialize.Merge)
        {
            // A merge's rows are rejected, new or held: what the insert leaves is held, so a million new rows are not
            // counted first (a second scan of them, about a second).
            inserted = await InsertNewAsync();
            existingRows = total - rejected - inserted;
        }
        else
        {
            (var newRows, existingRows) = await CountAsync(conn, tx,
                $"select count(*) filter (where {IsNew}), count(*) filter (where not {IsNew}) from {m} m where {accepted} and not {emptied}", ct);
            if (model.Kind != Materialize.Update && newRows > 0) inserted = await InsertNewAsync();
        }

        Task<long> InsertNewAsync()
        {
            var columns = selected.Select(Q).ToList();
            var values = selected.Select(Typed).ToList();
            if (hostBatch) { columns.Add("load_batch_id"); values.Add(batchId); }
            if (hostHash) { columns.Add("source_hash"); values.Add(hash); }
            return ExecAsync(conn, tx,
                $"insert into {QName(model.Target!)} ({string.Join(", ", columns)})\nselect {string.Join(", ", values)}\nfrom {m} m where m.{IsNew} and {accepted} and not {emptied}",
                ct);
        }

        if (existingRows > 0)
        {
            if (target.ContainsKey("last_seen_at") && !output.ContainsKey("last_seen_at"))
                await ExecAsync(conn, tx, $"update {QName(model.Target!)} t set last_seen_at = now() from {m} m where not m.{IsNew} and {accepted} and {keysMatch}", ct);
            if (content.Count > 0)
            {
                var set = content.Select(c => $"{Q(c)} = {Typed(c)}").ToList();
                if (hostBatch) set.Add($"load_batch_id = {batchId}");
                if (hostHash) set.Add($"source_hash = {hash}");
                if (target.ContainsKey("updated_at") && !output.ContainsKey("updated_at")) set.Add("updated_at = now()");
                // Lineage is not content: a row equal in every other column is left alone, whichever staged row it came from.
                var compared = content.Where(c => c != "source_row_hash").ToList();
                var changed = compared.Count == 0
                    ? "false"
                    : $"({string.Join(", ", compared.Select(c => $"t.{Q(c)}"))}) is distinct from ({string.Join(", ", compared.Select(Typed))})";
                updated = await ExecAsync(conn, tx,
                    $"update {QName(model.Target!)} t set {string.Join(", ", set)}\nfrom {m} m\n" +
                    $"where not m.{IsNew} and {accepted} and not {emptied} and {keysMatch} and {changed} and {NotOlder(model, hostBatch, batchId, Typed)}",
                    ct);
            }
        }
        // Outside the block above: its count leaves emptied keys out, and a rebuild may return nothing else.
        if (model.Kind == Materialize.Rebuild && content.Count > 0)
            deleted = await ExecAsync(conn, tx, $"delete from {QName(model.Target!)} t using {m} m where not m.{IsNew} and {accepted} and {emptied} and {keysMatch}", ct);

        if (inserted >= 1000) await AnalyzeIfGrownAsync(conn, tx, model.Target!, inserted, ct);
        var unchanged = existingRows - updated;
        return (new TableCounts(model.Target!, inserted, updated, unchanged, deleted), rejected);
    }

    // A stored row is left alone when it is newer than the model's: its version is later, or, at the same version
    // (or with none), a later batch wrote it. So re-running an old batch, or loading an older export, rolls nothing back.
    private static string NotOlder(Model model, bool hostBatch, string batchId, Func<string, string> typed)
    {
        var byBatch = hostBatch ? $"coalesce(t.load_batch_id, 0) <= {batchId}" : "true";
        if (model.Version is not { } v) return byBatch;
        return $"(t.{Q(v)} is null or {typed(v)} > t.{Q(v)} or ({typed(v)} = t.{Q(v)} and {byBatch}))";
    }

    private static async Task<long> RejectAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string m,
        IReadOnlyDictionary<string, string> output, BatchContext batch, string model, CancellationToken ct)
    {
        if (batch.Replay && batch.RunId is not null)
        {
            await using var forget = Sql.Command(conn, tx, "delete from ingest_rejects where run_id = $1 and model = $2", [batch.RunId, model]);
            await forget.ExecuteNonQueryAsync(ct);
        }
        string Optional(string column, string cast) => output.ContainsKey(column) ? $"m.{Q(column)}::{cast}" : "null";
        await using var cmd = Sql.Command(conn, tx, $"""
            insert into ingest_rejects (run_id, crm, dataset, file, sheet, row_number, column_name, value, reason, model)
            select $1, $2, $3, $4, {Optional("source_sheet", "text")}, {Optional("source_row_number", "bigint")},
                   {Optional("reject_column", "text")}, {Optional("reject_value", "text")}, m.reject_reason::text, $5
            from {m} m where m.reject_reason is not null
            """, [batch.RunId, batch.Crm, batch.Dataset, batch.File, model]);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    // Statistics for the next load's plans: a table that grew by a tenth or more since it was last analyzed.
    private static async Task AnalyzeIfGrownAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string table, long inserted, CancellationToken ct)
    {
        await using var known = new NpgsqlCommand("select reltuples from pg_class where oid = $1::regclass", conn, tx);
        known.Parameters.AddWithValue(QName(table));
        var rows = Convert.ToDouble(await known.ExecuteScalarAsync(ct));
        if (rows > 0 && inserted < rows / 10) return;
        await ExecAsync(conn, tx, $"analyze {QName(table)}", ct);
    }

    /// <summary>A table's columns and their types (as PostgreSQL writes them, e.g. <c>numeric(12,2)</c>), in order.</summary>
    public static async Task<Dictionary<string, string>> TableColumns(NpgsqlConnection conn, NpgsqlTransaction tx, string table, string file, CancellationToken ct)
    {
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var cmd = new NpgsqlCommand("""
            select a.attname, format_type(a.atttypid, a.atttypmod)
            from pg_attribute a
            where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped
            order by a.attnum
            """, conn, tx);
        cmd.Parameters.AddWithValue(table.StartsWith("pg_temp.", StringComparison.Ordinal) ? table : QName(table));
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) columns[reader.GetString(0)] = reader.GetString(1);
        if (columns.Count == 0) throw new ModelException(file, $"its target table {table} does not exist (is it in the plugin's sql/migrations?)");
        return columns;
    }

    private static async Task<(long, long)> CountAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        SqlTrace.Add(sql);
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static async Task<long> ExecAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        SqlTrace.Add(sql);
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string Q(string identifier) => StagingLoader.Quote(identifier);

    private static string QName(string name) => string.Join('.', name.Split('.').Select(Q));
}
