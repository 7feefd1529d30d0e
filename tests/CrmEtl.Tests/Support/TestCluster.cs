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
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    public static async Task<string> CreateMigratedDatabaseAsync(string prefix)
    {
        var cs = await CreateDatabaseAsync(prefix);
        await new MigrationRunner(cs).ApplyAsync(MigrationScript.FromFolder("core", Path.Combine(Repo.Sql, "migrations")), default);
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
