using System.Diagnostics;
using System.Text.Json;
using CrmEtl.Fixtures;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Ingestion;

/// <summary>The host killed with SIGKILL in the middle of a load: nothing half-merged, and the file goes in whole next time.</summary>
public sealed class CrashTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Killing_the_host_mid_load_leaves_no_partial_merge_and_the_rerun_takes_the_whole_file()
    {
        var dir = Repo.TempDir("crash");
        var day = new DateOnly(2025, 8, 1);
        var orders = TdOrderReport.Orders("a817", day, count: 60_000);
        var file = Files.Td(dir, orders);
        var host = new HostProcess(db.ConnectionString);

        using (var process = host.Start("ingest", "--crm", "td", "--store", "a817", "--file", file))
        {
            // Wait until the COPY is streaming rows, then kill without warning.
            var watch = Stopwatch.StartNew();
            while (await Db.ScalarAsync<long>(db.ConnectionString,
                       "select count(*) from pg_stat_progress_copy where relid = 'stg_td_order_report'::regclass and tuples_processed > 1000") == 0)
            {
                if (process.HasExited) Assert.Fail("the host finished before it could be killed: " + await process.StandardError.ReadToEndAsync());
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "the COPY never started");
                await Task.Delay(20);
            }
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        // PostgreSQL notices the dead client and rolls its transaction back.
        var deadline = Stopwatch.StartNew();
        while (await Db.ScalarAsync<long>(db.ConnectionString,
                   "select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'") > 0
               && deadline.Elapsed < TimeSpan.FromSeconds(30))
            await Task.Delay(50);

        Assert.Equal(0, await Db.ScalarAsync<long>(db.ConnectionString, "select count(*) from orders"));
        Assert.Equal(0, await Db.ScalarAsync<long>(db.ConnectionString, "select count(*) from stg_td_order_report"));
        Assert.Equal("running", await Db.ScalarAsync<string>(db.ConnectionString, "select status from ingest_audit order by run_id limit 1"));

        var rerun = await host.RunAsync("ingest", "--crm", "td", "--store", "a817", "--file", file, "--json");

        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        var run = JsonDocument.Parse(rerun.Stdout).RootElement.GetProperty("runs")[0];
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal(60_000, run.GetProperty("inserted").GetInt64());
        Assert.Equal(orders.Sum(o => o.Net), await Db.ScalarAsync<decimal>(db.ConnectionString, "select sum(net_amount) from orders"));
        var killed = (await Db.RowsAsync(db.ConnectionString, "select status, error_message from ingest_audit order by run_id limit 1")).Single();
        Assert.Equal("abandoned", killed[0]);
        Assert.Contains("stopped before finishing", (string)killed[1]!);
    }
}
