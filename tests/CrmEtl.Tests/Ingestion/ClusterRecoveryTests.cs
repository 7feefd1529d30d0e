using System.Diagnostics;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Ingestion;

/// <summary>The embedded cluster killed (kill -9 of its postmaster): the very next command starts it again and runs.</summary>
public sealed class ClusterRecoveryTests
{
    [Fact]
    public async Task After_the_postmaster_is_killed_the_very_next_command_recovers()
    {
        var host = new HostProcess("");
        host.Environment["CRMETL_DATABASE"] = ""; // the embedded cluster, in this test's own home
        host.Environment["CRMETL_PG_FAST"] = "1";
        try
        {
            var started = await host.RunAsync("migrate");
            Assert.True(started.ExitCode == 0, started.ToString());
            var pidFile = Path.Combine(host.Home, "postgres", "cluster", "data", "postmaster.pid");
            var pid = int.Parse((await File.ReadAllLinesAsync(pidFile))[0]);
            using (var postmaster = Process.GetProcessById(pid))
            {
                postmaster.Kill();
                await postmaster.WaitForExitAsync();
            }

            var next = await host.RunAsync("migrate");

            Assert.True(next.ExitCode == 0, next.ToString());
            Assert.Contains("[db.start]", next.Stderr);
            Assert.NotEqual(pid, int.Parse((await File.ReadAllLinesAsync(pidFile))[0]));
        }
        finally
        {
            await host.RunAsync("db", "stop");
        }
    }
}
