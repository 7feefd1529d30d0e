using CrmEtl.Host.Config;
using CrmEtl.Host.Database;
using CrmEtl.Host.Ingestion;
using CrmEtl.Host.Plugins;

namespace CrmEtl.Host;

/// <summary>What every command needs: paths, plugins and a migrated database, each made on first use.</summary>
internal sealed class HostContext(CrmEtlPaths paths)
{
    private PluginCatalog? _plugins;
    private CrmEtlConfig? _config;
    private string? _connectionString;

    public CrmEtlPaths Paths { get; } = paths;

    /// <summary>This command's id in ingest_audit and download_ledger (CRMETL_RUN_ID to set it from outside).</summary>
    public Guid InvocationId { get; } =
        Guid.TryParse(Environment.GetEnvironmentVariable("CRMETL_RUN_ID"), out var id) ? id : Guid.NewGuid();

    public PluginCatalog Plugins => _plugins ??= PluginCatalog.Discover(Paths.PluginDirectories);

    public CrmEtlConfig Config => _config ??= CrmEtlConfig.Load(Paths);

    /// <summary>Set by `demo` to work on its own database.</summary>
    public string? DatabaseOverride { get; set; }

    public EmbeddedCluster Cluster => new(Paths.Home);

    /// <summary>The demo's database, else CRMETL_DATABASE, else the embedded cluster (started if needed).</summary>
    public async Task<string> ServerAsync(CancellationToken ct) =>
        DatabaseOverride
        ?? (Environment.GetEnvironmentVariable("CRMETL_DATABASE") is { Length: > 0 } configured
            ? WithoutCommandTimeout(configured)
            : await Cluster.EnsureRunningAsync(ct));

    // Npgsql ends a statement after 30 s unless told otherwise, and a model over a million rows runs longer: a
    // configured database gets no limit unless its connection string sets one (the store and run limits still apply).
    internal static string WithoutCommandTimeout(string connectionString)
    {
        // The plain builder: Npgsql's own answers ContainsKey for any keyword it knows, set or not.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.Keys.Cast<string>().Any(k => k.Replace(" ", "").Equals("CommandTimeout", StringComparison.OrdinalIgnoreCase)))
            return connectionString;
        return new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString;
    }

    /// <summary><see cref="ServerAsync"/>, migrated, stores synced, dead runs marked abandoned.</summary>
    public async Task<string> DatabaseAsync(CancellationToken ct)
    {
        if (_connectionString is not null) return _connectionString;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var plugins = Plugins;
        var found = clock.ElapsedMilliseconds;
        var cs = await ServerAsync(ct);
        var server = clock.ElapsedMilliseconds;
        await Schema.MigrateAsync(cs, Paths.SqlRoot, plugins, ct);
        var migrated = clock.ElapsedMilliseconds;
        await StoreDirectory.SyncAsync(cs, Config.Stores, plugins.SourceSystems, ct);
        await PendingRecords.ReplayAsync(Paths.Home, cs, ct); // before the runs they finish are taken for abandoned
        await using (var conn = new Npgsql.NpgsqlConnection(cs))
        {
            await conn.OpenAsync(ct);
            var abandoned = await AuditRecorder.MarkAbandonedAsync(conn, TimeSpan.FromMinutes(2 * Config.Timeouts.RunMinutes), ct);
            if (abandoned > 0) Logging.Log.Warn("host", "audit.abandoned", $"{abandoned} run(s) left 'running' by a dead process marked abandoned");
        }
        Logging.Log.Debug("host", "startup.timing", $"plugins {found} ms, database reached {server - found} ms, schema checked {migrated - server} ms, " +
                                                    $"stores and pending records {clock.ElapsedMilliseconds - migrated} ms");
        return _connectionString = cs;
    }
}
