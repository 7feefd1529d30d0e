using CrmEtl.Host;
using CrmEtl.Host.Ingestion;
using CrmEtl.Host.Plugins;
using Npgsql;

namespace CrmEtl.Tests.Support;

/// <summary>The host's ingestion pipeline, in process, on a test's own database, with the real plugins and SQL.</summary>
internal sealed class Pipeline(string connectionString, PluginCatalog? plugins = null)
{
    public static readonly PluginCatalog Catalog = PluginCatalog.Discover([Repo.PluginsDir]);

    public static readonly CrmEtlPaths Paths = new(Repo.TestHome, Repo.Sql, [Repo.PluginsDir]);

    public string ConnectionString { get; } = connectionString;

    public PluginCatalog Plugins { get; } = plugins ?? Catalog;

    public async Task<IngestOutcome> IngestAsync(string crm, string? store, string file, bool dryRun = false,
        DateOnly? from = null, DateOnly? to = null, string? report = null, int maxRejects = IngestRequest.DefaultMaxRejects)
    {
        var plugin = Plugins.Get(crm);
        Store? resolved = null;
        if (store is not null)
        {
            await using var conn = new NpgsqlConnection(ConnectionString);
            await conn.OpenAsync();
            resolved = await StoreDirectory.ResolveAsync(conn, plugin.Info.Crm, store, default);
        }
        var dataset = report is null ? plugin.Plugin.Datasets[0] : plugin.Dataset(report);
        var request = new IngestRequest(plugin, dataset, resolved, file, from, to, Guid.NewGuid(), dryRun, MaxRejects: maxRejects);
        // Files of any size leave out the rows already loaded as they are (the host does from 1 MiB on).
        return await new IngestService(ConnectionString, Paths) { LeaveOutUnchangedFromBytes = 0 }.IngestAsync(request, default);
    }

    /// <summary>
    /// The plugins with one of <paramref name="folder"/>'s SQL files edited, as an analyst would: a copy of the built
    /// plugin folder, found before the built-in one (as a folder of CRMETL_PLUGINS is).
    /// </summary>
    public static (PluginCatalog Catalog, string Root) WithEditedSql(string dir, string folder, string file, Func<string, string> edit)
    {
        var root = Path.Combine(dir, $"plugins-{Guid.NewGuid():N}"[..16]);
        var source = Path.Combine(Repo.PluginsDir, folder);
        foreach (var path in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(root, folder, Path.GetRelativePath(source, path));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(path, target);
        }
        var edited = Path.Combine(root, folder, "sql", file);
        var before = File.ReadAllText(edited);
        var after = edit(before);
        if (after == before) throw new InvalidOperationException($"the edit of {file} changed nothing");
        File.WriteAllText(edited, after);
        return (PluginCatalog.Discover([root, Repo.PluginsDir]), root);
    }
}
