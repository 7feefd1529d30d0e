using System.Security.Cryptography;
using System.Text;
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
    public const string SkipSetting = "crmetl.skip_unchanged";

    private static readonly HashSet<string> Warned = [];

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

    /// <summary>A source's transform files as they are now, and their version: a hash of their names and text.</summary>
    public async Task<TransformSet> LoadAsync(LoadedPlugin plugin, CancellationToken ct)
    {
        var files = new List<(string, string)>();
        using var version = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in FilesFor(plugin))
        {
            var sql = await File.ReadAllTextAsync(file, ct);
            files.Add((file, sql));
            version.AppendData(Encoding.UTF8.GetBytes($"{Path.GetFileName(Path.GetDirectoryName(file))}/{Path.GetFileName(file)}\n{sql}\n"));
        }
        return new TransformSet(plugin, files, Convert.ToHexStringLower(version.GetHashAndReset()));
    }

    /// <summary>
    /// Whether a load may leave out staged rows equal to the ones their orders were built from: only while every
    /// order of the source was built with these very transforms (transform_state). A source with nothing staged yet
    /// takes this version; one whose transforms changed is marked unknown until <c>transform --all</c> rebuilds it.
    /// Runs outside the load's transaction (autocommit), so loads of several stores never wait on each other here.
    /// </summary>
    public async Task<bool> MaySkipUnchangedAsync(NpgsqlConnection conn, TransformSet set, bool dryRun, CancellationToken ct)
    {
        var source = set.Plugin.Info.TransformFolder;
        await using var cmd = new NpgsqlCommand($"""
            select (select version from transform_state where source = $1),
                   exists (select 1 from transform_state where source = $1),
                   exists (select 1 from {StagingLoader.Quote(set.Plugin.Info.StagingTable)})
            """, conn);
        cmd.Parameters.AddWithValue(source);
        string? recorded;
        bool known, staged;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            (recorded, known, staged) = (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2));
        }
        if (recorded == set.Version) return true;
        if (!known && !staged)
        {
            if (!dryRun) await RecordVersionAsync(conn, source, set.Version, ct);
            return true;
        }
        if (!dryRun && (recorded is not null || !known)) await RecordVersionAsync(conn, source, null, ct);
        lock (Warned)
        {
            if (Warned.Add(source))
                Log.Warn(set.Plugin.Info.Crm, "transform.rebuild_needed",
                    $"the transforms for '{source}' are not the ones its orders were built with, so every staged row is normalised " +
                    $"again (slower); run ./crm-etl transform --crm {set.Plugin.Info.Crm} --all to rebuild the orders with them");
        }
        return false;
    }

    /// <summary>Records which transforms every order of a source was built with (null: not known).</summary>
    public static async Task RecordVersionAsync(NpgsqlConnection conn, string source, string? version, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into transform_state (source, version) values ($1, $2)
            on conflict (source) do update set version = excluded.version, updated_at = now()
            """, conn);
        cmd.Parameters.AddWithValue(source);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)version ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>After one batch was re-run with <paramref name="version"/>: a source recorded as built with another is no longer uniform.</summary>
    public static async Task ForgetOtherVersionAsync(NpgsqlConnection conn, string source, string version, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "update transform_state set version = null, updated_at = now() where source = $1 and version is distinct from $2", conn);
        cmd.Parameters.AddWithValue(source);
        cmd.Parameters.AddWithValue(version);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<MergeCounts> RunAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, TransformSet set, long batchId, bool skipUnchanged, CancellationToken ct)
    {
        await using (var settings = new NpgsqlCommand("select set_config($1, $2, true), set_config($3, $4, true)", conn, tx))
        {
            settings.Parameters.AddWithValue(BatchSetting);
            settings.Parameters.AddWithValue(batchId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            settings.Parameters.AddWithValue(SkipSetting);
            settings.Parameters.AddWithValue(skipUnchanged ? "on" : "off");
            await settings.ExecuteNonQueryAsync(ct);
        }

        var counts = new MergeCounts();
        foreach (var (file, sql) in set.Files)
        {
            var started = DateTime.UtcNow;
            try
            {
                counts += await ExecuteAsync(conn, tx, sql, ct);
            }
            catch (PostgresException e)
            {
                throw new TransformException(file, Describe(e, sql));
            }
            Log.Debug(set.Plugin.Info.Crm, "transform.file", $"{Relative(file)} batch {batchId} ({(DateTime.UtcNow - started).TotalMilliseconds:0} ms)");
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
