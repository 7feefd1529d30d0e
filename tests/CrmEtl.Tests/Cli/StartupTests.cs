using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Cli;

/// <summary>A command's start: the schema is checked once per change, not by every command.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task A_database_marked_current_skips_the_schema_checks_and_one_marked_by_another_build_is_checked_and_marked()
    {
        var db = await TestCluster.CreateMigratedDatabaseAsync("startup");
        var host = new HostProcess(db);
        host.Environment["CRMETL_LOG_LEVEL"] = "Debug";

        await host.RunAsync("status"); // marks it with this build's fingerprint, whatever the tests' own migration wrote
        var current = await host.RunAsync("status");
        Assert.True(current.Stderr.Contains("the database is current"), current.Stderr);
        Assert.False(current.Stderr.Contains("legacy check"), current.Stderr);

        await Db.ExecAsync(db, "comment on table migration_journal is 'crm-etl schema of another build'");
        var changed = await host.RunAsync("status");
        Assert.True(changed.Stderr.Contains("legacy check"), changed.Stderr);
        var marked = await Db.ScalarAsync<string>(db, "select obj_description('migration_journal'::regclass, 'pg_class')");
        Assert.StartsWith("crm-etl schema ", marked);
        Assert.NotEqual("crm-etl schema of another build", marked);

        var again = await host.RunAsync("status");
        Assert.True(again.Stderr.Contains("the database is current"), again.Stderr);
    }
}
