using CrmEtl.Host;
using CrmEtl.Host.Config;
using CrmEtl.Host.Database;
using Npgsql;

namespace CrmEtl.Tests.Support;

/// <summary>
/// One real PostgreSQL for the whole run: CRMETL_TEST_DATABASE (a server the tests may create databases on),
/// else the tool's own embedded cluster under artifacts/test-home. Every test class gets its own database.
/// </summary>
internal static class TestCluster
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _admin;

    public static async Task<string> CreateDatabaseAsync(string prefix)
    {
        var admin = await AdminAsync();
        var name = $"t_{prefix}_{Guid.NewGuid():N}".ToLowerInvariant();
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"create database {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        // Hundreds of databases share the one server: a pool lets its idle connections go after a second or two.
        return new NpgsqlConnectionStringBuilder(admin) { Database = name, ConnectionIdleLifetime = 2, ConnectionPruningInterval = 1 }.ConnectionString;
    }

    /// <summary>A database as the host makes it: every migration (the host's and the plugins'), the stores of crm-etl.json.</summary>
    public static async Task<string> CreateMigratedDatabaseAsync(string prefix)
    {
        var cs = await CreateDatabaseAsync(prefix);
        await Schema.MigrateAsync(cs, Repo.Sql, Pipeline.Catalog, default);
        await StoreDirectory.SyncAsync(cs, CrmEtlConfig.Load(Pipeline.Paths).Stores, Pipeline.Catalog.SourceSystems, default);
        return cs;
    }

    private static async Task<string> AdminAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_admin is not null) return _admin;
            if (Environment.GetEnvironmentVariable("CRMETL_TEST_DATABASE") is { Length: > 0 } configured) return _admin = configured;
            Environment.SetEnvironmentVariable("CRMETL_PG_FAST", "1");
            var cluster = new EmbeddedCluster(Repo.TestHome);
            await cluster.EnsureRunningAsync(default);
            return _admin = cluster.ConnectionString("postgres");
        }
        finally
        {
            Gate.Release();
        }
    }
}
