using CrmEtl.Host;
using CrmEtl.Host.Ingestion;
using CrmEtl.Host.Plugins;
using Npgsql;

namespace CrmEtl.Tests.Support;

/// <summary>The host's ingestion pipeline, in process, on a test's own database, with the real plugins and SQL.</summary>
internal sealed class Pipeline(string connectionString)
{
    public static readonly PluginCatalog Catalog = PluginCatalog.Discover([Repo.PluginsDir]);

    public static readonly CrmEtlPaths Paths = new(Repo.TestHome, Repo.Sql, [Repo.PluginsDir]);

    public string ConnectionString { get; } = connectionString;

    public Task<IngestOutcome> IngestAsync(string crm, string store, string file, bool dryRun = false,
        DateOnly? from = null, DateOnly? to = null) =>
        IngestAsync(crm, store, file, Paths, dryRun, from, to);

    public async Task<IngestOutcome> IngestAsync(string crm, string store, string file, CrmEtlPaths paths,
        bool dryRun = false, DateOnly? from = null, DateOnly? to = null)
    {
        var plugin = Catalog.Get(crm);
        Store resolved;
        await using (var conn = new NpgsqlConnection(ConnectionString))
        {
            await conn.OpenAsync();
            resolved = await StoreDirectory.ResolveAsync(conn, plugin.Info.Crm, store, default);
        }
        var request = new IngestRequest(plugin, resolved, file, from, to, Guid.NewGuid(), dryRun);
        // Files of any size leave out the rows orders holds as they are (the host does from 1 MiB on).
        return await new IngestService(ConnectionString, new TransformRunner(paths)) { LeaveOutUnchangedFromBytes = 0 }
            .IngestAsync(request, default);
    }
}
