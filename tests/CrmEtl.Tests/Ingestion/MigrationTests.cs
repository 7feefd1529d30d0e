using CrmEtl.Host.Database;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Ingestion;

public sealed class MigrationTests
{
    private static IEnumerable<MigrationScript> Core => MigrationScript.FromFolder("core", Path.Combine(Repo.Sql, "migrations"));

    [Fact]
    public async Task Two_processes_migrating_at_once_apply_each_script_once()
    {
        var cs = await TestCluster.CreateDatabaseAsync("mig");
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => new MigrationRunner(cs).ApplyAsync(Core, default)));

        Assert.Equal(Core.Count(), results.Sum(r => r.Count));
        Assert.Equal(Core.Count(), await Db.ScalarAsync<long>(cs, "select count(*) from migration_journal"));
        Assert.Equal(1, await Db.ScalarAsync<long>(cs, "select count(*) from pg_tables where tablename = 'orders'"));
    }

    [Fact]
    public async Task A_changed_applied_migration_is_refused_by_name()
    {
        var cs = await TestCluster.CreateDatabaseAsync("mig");
        await new MigrationRunner(cs).ApplyAsync(Core, default);
        var changed = Core.Select(s => s.Name.EndsWith("0001_baseline.sql") ? s with { Sql = s.Sql + "\n-- edited\n" } : s);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => new MigrationRunner(cs).ApplyAsync(changed, default));

        Assert.Contains("core/0001_baseline.sql", e.Message);
        Assert.Contains("was changed after it was applied", e.Message);
    }

    [Fact]
    public async Task A_failing_migration_is_rolled_back_and_not_journaled()
    {
        var cs = await TestCluster.CreateDatabaseAsync("mig");
        var broken = Core.Append(new MigrationScript("core/9999_broken.sql", "9999_broken.sql", "create table half_done (id int); select 1/0;"));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => new MigrationRunner(cs).ApplyAsync(broken, default));

        Assert.Contains("9999_broken.sql", e.Message);
        Assert.Equal(0, await Db.ScalarAsync<long>(cs, "select count(*) from pg_tables where tablename = 'half_done'"));
        Assert.Equal(Core.Count(), await Db.ScalarAsync<long>(cs, "select count(*) from migration_journal"));
    }
}
