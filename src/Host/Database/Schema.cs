using CrmEtl.Host.Ingestion;
using CrmEtl.Host.Logging;
using CrmEtl.Host.Plugins;
using Npgsql;

namespace CrmEtl.Host.Database;

/// <summary>
/// The warehouse's schema: the host's migrations (sql/migrations), then each plugin's (its sql/migrations), journaled
/// as core/&lt;file&gt; and plugins/&lt;Name&gt;/&lt;file&gt;; a database older than the baselines upgraded in place first; then
/// each staging table's lineage columns and the index its batches need, made when a plugin's migrations did not.
/// </summary>
internal static class Schema
{
    public static IReadOnlyList<MigrationScript> Scripts(string sqlRoot, PluginCatalog plugins) =>
        MigrationScript.FromFolder("core", Path.Combine(sqlRoot, "migrations"))
            .Concat(plugins.Plugins.SelectMany(p =>
                MigrationScript.FromFolder($"plugins/{Path.GetFileName(p.Folder)}", Path.Combine(p.SqlRoot, "migrations"))))
            .ToList();

    /// <param name="always">Check every script and staging table even when the database says it is current (`migrate`).</param>
    public static async Task<IReadOnlyList<string>> MigrateAsync(string connectionString, string sqlRoot, PluginCatalog plugins, CancellationToken ct,
        bool always = false)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var scripts = Scripts(sqlRoot, plugins);
        var fingerprint = Fingerprint(scripts, plugins);
        var read = clock.ElapsedMilliseconds;
        if (!always && await CurrentAsync(connectionString, fingerprint, ct))
        {
            Log.Debug("db", "schema.timing", $"scripts read {read} ms, the database is current ({clock.ElapsedMilliseconds - read} ms)");
            return [];
        }
        await LegacyUpgrade.RunIfNeededAsync(connectionString, sqlRoot, scripts, ct);
        var legacy = clock.ElapsedMilliseconds;
        var applied = await new MigrationRunner(connectionString).ApplyAsync(scripts, ct);
        var journal = clock.ElapsedMilliseconds;
        // A staging table with a problem is not marked current: its warning comes again with every command until mended.
        if (await EnsureStagingAsync(connectionString, plugins, ct)) await RememberAsync(connectionString, fingerprint, ct);
        Log.Debug("db", "schema.timing", $"scripts read {read} ms, legacy check {legacy - read} ms, journal {journal - legacy} ms, staging {clock.ElapsedMilliseconds - journal} ms");
        return applied;
    }

    // What the checks below depend on: every script's name and checksum, each staging table and its key, and this
    // build of the host. A database whose journal carries the same fingerprint (as the journal table's comment, so
    // that one query answers it, journal or not) needs none of them: a command starts about 0.4 s sooner. An edited
    // script changes the fingerprint, so it is still refused by the journal's check.
    private static string Fingerprint(IReadOnlyList<MigrationScript> scripts, PluginCatalog plugins)
    {
        var text = new System.Text.StringBuilder(typeof(Schema).Assembly.ManifestModule.ModuleVersionId.ToString()).Append('\n');
        foreach (var script in scripts) text.Append(script.Name).Append(' ').Append(script.Checksum).Append('\n');
        foreach (var dataset in plugins.Plugins.SelectMany(p => p.Plugin.Datasets))
            text.Append(dataset.StagingTable).Append(' ').AppendJoin(',', dataset.Columns.Where(c => c.IsKey).Select(c => c.Name)).Append('\n');
        return "crm-etl schema " + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static async Task<bool> CurrentAsync(string connectionString, string fingerprint, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("select obj_description(to_regclass('migration_journal'), 'pg_class')", conn);
        return await cmd.ExecuteScalarAsync(ct) is string stored && stored == fingerprint;
    }

    private static async Task RememberAsync(string connectionString, string fingerprint, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand($"comment on table migration_journal is '{fingerprint}'", conn);
        try
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            Log.Debug("db", "schema.not_remembered", $"the journal is not this user's to mark ({e.MessageText}): the next command checks again");
        }
    }

    // The lineage every staging table has, the host's to fill: a plugin's migration declares only its own columns.
    private static readonly (string Name, string Type)[] Lineage =
    [
        ("source_system", "text not null"), ("store_code", "text"), ("cost_center", "text"), ("file_md5", "text"),
        ("load_batch_id", "bigint not null"), ("source_sheet", "text"), ("source_row_number", "bigint not null"),
        ("extra_columns", "jsonb"), ("row_hash", "text"),
    ];

    // A staging table gets the lineage columns it lacks (while it is empty: a loaded one has them), and the index the
    // batch view finds a batch's rows and the later row of a key by: (load_batch_id, key, source_row_number).
    // False when a staging table is missing or could not be given its lineage (each warned about).
    private static async Task<bool> EnsureStagingAsync(string connectionString, PluginCatalog plugins, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        var sound = true;
        foreach (var plugin in plugins.Plugins)
        foreach (var dataset in plugin.Plugin.Datasets)
        {
            var table = StagingLoader.Quote(dataset.StagingTable);
            await using var check = new NpgsqlCommand("""
                select array(select attname::text from pg_attribute where attrelid = to_regclass($1) and attnum > 0 and not attisdropped),
                       exists (select 1 from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
                               where i.indrelid = to_regclass($1) and a.attname = 'load_batch_id')
                """, conn);
            check.Parameters.AddWithValue(table);
            string[] columns;
            bool indexed;
            await using (var reader = await check.ExecuteReaderAsync(ct))
            {
                await reader.ReadAsync(ct);
                (columns, indexed) = (reader.GetFieldValue<string[]>(0), reader.GetBoolean(1));
            }
            var scope = $"{plugin.Info.Crm}/{dataset.Name}";
            if (columns.Length == 0)
            {
                Log.Warn(scope, "plugins.problem", $"staging table {dataset.StagingTable} does not exist (the plugin's sql/migrations should make it)");
                sound = false;
                continue;
            }
            var missing = Lineage.Where(l => !columns.Contains(l.Name)).ToList();
            if (missing.Count > 0)
            {
                try
                {
                    await using var add = new NpgsqlCommand(
                        $"alter table {table} {string.Join(", ", missing.Select(l => $"add column if not exists {l.Name} {l.Type}"))}", conn);
                    await add.ExecuteNonQueryAsync(ct);
                    Log.Info(scope, "migrate.lineage", $"{dataset.StagingTable}: lineage columns added ({string.Join(", ", missing.Select(l => l.Name))})");
                }
                catch (PostgresException e)
                {
                    Log.Warn(scope, "plugins.problem", $"staging table {dataset.StagingTable} lacks the lineage column(s) {string.Join(", ", missing.Select(l => l.Name))}: {e.MessageText}");
                    sound = false;
                    continue;
                }
            }
            if (indexed) continue;
            var keys = dataset.Columns.Where(c => c.IsKey).Select(c => StagingLoader.Quote(c.Name));
            var index = StagingLoader.Quote(dataset.StagingTable + "_batch_key");
            await using var create = new NpgsqlCommand(
                $"create index if not exists {index} on {table} (load_batch_id, {string.Concat(keys.Select(k => k + ", "))}source_row_number)", conn);
            await create.ExecuteNonQueryAsync(ct);
            Log.Info(scope, "migrate.index", $"{dataset.StagingTable}: index on its batches made");
        }
        return sound;
    }
}
