using System.Text.Json;
using CrmEtl.Fixtures;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Cli;

/// <summary>A CRM added by dropping a plugin folder (dll + sql/) where the host looks: no host change.</summary>
public sealed class DropInPluginTests
{
    [Fact]
    public async Task A_dropped_in_plugin_brings_its_schema_and_models_and_ingests()
    {
        var cs = await TestCluster.CreateDatabaseAsync("dropin");
        var host = new HostProcess(cs);
        host.Environment["CRMETL_PLUGINS"] = Repo.TestPluginsDir;

        var plugins = await host.RunAsync("plugins");
        Assert.True(plugins.ExitCode == 0, plugins.ToString());
        Assert.Contains(plugins.Stdout.Split('\n'), l => l.StartsWith("lm ") && l.Contains("Laundromat") && l.Contains("sales") && l.Contains("stg_lm_sales"));

        var table = new ReportTable(["Bill", "Date", "Customer", "Amount"]);
        table.Rows.Add(["B-1", "01/06/2025 09:15", "Asha", "120.00"]);
        table.Rows.Add(["B-2", "01/06/2025 19:40", "Ravi", "1,080.50"]);
        table.Footer.Add(["Total", null, null, "1,200.50"]);
        var file = Path.Combine(Repo.TempDir("dropin"), "sales.xlsx");
        table.Write(file);

        var ingest = await host.RunAsync("ingest", "--crm", "lm", "--store", "shop1", "--file", file, "--json");

        Assert.True(ingest.ExitCode == 0, ingest.ToString());
        Assert.Equal(2, JsonDocument.Parse(ingest.Stdout).RootElement.GetProperty("runs")[0].GetProperty("inserted").GetInt64());
        Assert.Equal(1200.50m, await Db.ScalarAsync<decimal>(cs, "select sum(net_amount) from orders where source_system = 'LM' and cost_center = 'TS0001'"));
        Assert.Equal(1, await Db.ScalarAsync<long>(cs, "select count(*) from migration_journal where script = 'plugins/Laundromat/0001_lm_staging.sql'"));
    }
}
