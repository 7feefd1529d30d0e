using CrmEtl.Host.Logging;
using CrmEtl.Host.Plugins;
using Npgsql;

namespace CrmEtl.Host.Ingestion;

/// <summary>
/// Runs the plain SQL transforms of a source over one staged batch, in the caller's transaction:
/// <c>sql/transforms/&lt;source&gt;/*.sql</c> in name order, then <c>sql/transforms/orders/*.sql</c>. A file that
/// returns a row with columns inserted, updated and unchanged reports the merge counts (and, with columns
/// first_order_date and last_order_date, the dates the batch covered).
/// </summary>
internal sealed class TransformRunner(CrmEtlPaths paths)
{
    public const string BatchSetting = "crmetl.load_batch_id";

    public IReadOnlyList<string> FilesFor(LoadedPlugin plugin)
    {
        var folder = plugin.Info.TransformFolder;
        var own = Path.Combine(paths.Transforms, folder);
        var shipped = Path.Combine(plugin.Folder, "sql", "transforms", folder);
        var sourceFolder = Directory.Exists(own) ? own : shipped;
        if (!Directory.Exists(sourceFolder))
            throw new InvalidOperationException($"no transforms for '{plugin.Info.Crm}': neither {own} nor {shipped} exists");
        return SqlFiles(sourceFolder).Concat(SqlFiles(Path.Combine(paths.Transforms, "orders"))).ToList();
    }

    public async Task<MergeCounts> RunAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, LoadedPlugin plugin, long batchId, CancellationToken ct)
    {
        await using (var set = new NpgsqlCommand("select set_config($1, $2, true)", conn, tx))
        {
            set.Parameters.AddWithValue(BatchSetting);
            set.Parameters.AddWithValue(batchId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await set.ExecuteNonQueryAsync(ct);
        }

        var counts = new MergeCounts();
        foreach (var file in FilesFor(plugin))
        {
            var started = DateTime.UtcNow;
            var sql = await File.ReadAllTextAsync(file, ct);
            try
            {
                counts += await ExecuteAsync(conn, tx, sql, ct);
            }
            catch (PostgresException e)
            {
                throw new TransformException(file, Describe(e, sql));
            }
            Log.Debug(plugin.Info.Crm, "transform.file", $"{Relative(file)} batch {batchId} ({(DateTime.UtcNow - started).TotalMilliseconds:0} ms)");
        }
        return counts;
    }

    private static async Task<MergeCounts> ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        var counts = new MergeCounts();
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        do
        {
            var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
            var (inserted, updated, unchanged) = (names.IndexOf("inserted"), names.IndexOf("updated"), names.IndexOf("unchanged"));
            if (inserted < 0 || updated < 0 || unchanged < 0) continue;
            var first = names.IndexOf("first_order_date");
            var last = names.IndexOf("last_order_date");
            while (await reader.ReadAsync(ct))
                counts += new MergeCounts(reader.GetInt64(inserted), reader.GetInt64(updated), reader.GetInt64(unchanged))
                {
                    FirstOrderDate = first < 0 || reader.IsDBNull(first) ? null : reader.GetFieldValue<DateOnly>(first),
                    LastOrderDate = last < 0 || reader.IsDBNull(last) ? null : reader.GetFieldValue<DateOnly>(last),
                };
        } while (await reader.NextResultAsync(ct));
        return counts;
    }

    private static string Describe(PostgresException e, string sql)
    {
        var text = e.MessageText;
        if (e.Position > 0)
        {
            // Position counts from the start of the failing statement; a file of one statement starts at 0.
            var start = e.BatchCommand?.CommandText is { } statement ? Math.Max(0, sql.IndexOf(statement, StringComparison.Ordinal)) : 0;
            var offset = Math.Min(sql.Length, start + e.Position - 1);
            text += $" (line {sql[..offset].Count(c => c == '\n') + 1})";
        }
        if (e.Detail is { Length: > 0 } detail) text += $"; {detail}";
        if (e.Hint is { Length: > 0 } hint) text += $"; hint: {hint}";
        return text;
    }

    private string Relative(string file) => Path.GetRelativePath(Path.GetDirectoryName(paths.SqlRoot)!, file);

    private static IEnumerable<string> SqlFiles(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, "*.sql").Order(StringComparer.Ordinal) : [];
}
