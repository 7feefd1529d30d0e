using System.Text.Json;
using CrmEtl.Fixtures;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Cli;

/// <summary>The built host, run as a process: JSON output, exit codes, logs.</summary>
public sealed class IngestCliTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private readonly HostProcess _host = new(db.ConnectionString);
    private readonly string _dir = Repo.TempDir("cli");

    [Fact]
    public async Task Ingest_json_prints_exactly_the_runs_shape_and_a_reingest_is_a_duplicate()
    {
        var orders = TdOrderReport.Orders("a668", new DateOnly(2025, 10, 1), count: 17);
        var file = Files.Td(_dir, orders, name: "TD_OrderReport_UttamNagar_2025-10-01_to_2025-10-01.xlsx");

        var first = await _host.RunAsync("ingest", "--crm", "td", "--store", "a668", "--file", file, "--from", "2025-10-01", "--to", "2025-10-01", "--json");
        var second = await _host.RunAsync("ingest", "--crm", "td", "--store", "a668", "--file", file, "--json");

        Assert.True(first.ExitCode == 0, first.ToString());
        var run = JsonDocument.Parse(first.Stdout).RootElement.GetProperty("runs").EnumerateArray().Single();
        Assert.Equal(["crm", "store", "file", "md5", "status", "rows_read", "rows_staged", "inserted", "updated", "unchanged", "error"],
            run.EnumerateObject().Select(p => p.Name));
        Assert.Equal("td", run.GetProperty("crm").GetString());
        Assert.Equal("a668", run.GetProperty("store").GetString());
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal(17, run.GetProperty("rows_read").GetInt64());
        Assert.Equal(17, run.GetProperty("rows_staged").GetInt64());
        Assert.Equal(17, run.GetProperty("inserted").GetInt64());
        Assert.Equal(JsonValueKind.Null, run.GetProperty("error").ValueKind);
        Assert.Matches("^[0-9a-f]{32}$", run.GetProperty("md5").GetString());

        Assert.Equal(0, second.ExitCode);
        var again = JsonDocument.Parse(second.Stdout).RootElement.GetProperty("runs")[0];
        Assert.Equal("duplicate", again.GetProperty("status").GetString());

        Assert.Equal(new DateOnly(2025, 10, 1), await Db.ScalarAsync<DateOnly>(db.ConnectionString,
            "select to_date from download_ledger where filename = $1 and status = 'downloaded'", Path.GetFileName(file)));
        Assert.Contains("[td/a668] [ingest.succeeded]", first.Stderr);
        Assert.Contains("[ingest.succeeded]", await File.ReadAllTextAsync(Path.Combine(_host.Home, "logs", "crm-etl.log")));
    }

    [Fact]
    public async Task A_renamed_column_exits_1_with_the_error_in_the_json()
    {
        var file = Files.Uc(_dir, UcGstReport.Invoices("UC567", new DateOnly(2025, 10, 2), count: 5),
            bend: t => t.RenameHeader("Invoice Date", "Inv Date"));

        var result = await _host.RunAsync("ingest", "--crm", "uc", "--store", "sector56", "--file", file, "--json");

        Assert.Equal(1, result.ExitCode);
        var run = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("runs")[0];
        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Contains("'Invoice Date'", run.GetProperty("error").GetString());
        Assert.True(File.Exists(file));
    }

    [Theory]
    [InlineData("ingest", "--crm", "xx", "--store", "a668", "--file", "f.xlsx")]
    [InlineData("ingest", "--crm", "td", "--store", "nowhere", "--file", "f.xlsx")]
    [InlineData("ingest", "--crm", "td", "--store", "a668")]
    [InlineData("ingest", "--crm", "td", "--store", "a668", "--file", "f.xlsx", "--from", "12/11/2025")]
    [InlineData("ingest", "--crm", "td", "--store", "a668", "--file", "f.xlsx", "--from", "2025-11-12", "--to", "2025-11-01")]
    [InlineData("transform", "--batch", "999999")]
    [InlineData("fly")]
    public async Task Usage_errors_exit_2(params string[] args)
    {
        var result = await _host.RunAsync(args);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Help_exits_0_for_every_verb()
    {
        foreach (var verb in new[] { "ingest", "transform", "migrate", "plugins", "status", "db" })
        {
            var result = await _host.RunAsync(verb, "--help");
            Assert.True(result.ExitCode == 0, verb + ": " + result);
            Assert.Contains("--help", result.Stderr);
        }
    }

    [Fact]
    public async Task Plugins_lists_the_three_sources()
    {
        var result = await _host.RunAsync("plugins");
        Assert.Equal(0, result.ExitCode);
        foreach (var expected in new[] { "td       TD", "uc       UC", "manual   MANUAL" }) Assert.Contains(expected, result.Stdout);
    }

    [Fact]
    public async Task Status_json_shows_each_store_with_its_orders()
    {
        var file = Files.Uc(_dir, UcGstReport.Invoices("UC610", new DateOnly(2025, 10, 3), count: 6));
        await _host.RunAsync("ingest", "--crm", "uc", "--store", "sushantlok1", "--file", file, "--from", "2025-10-03", "--to", "2025-10-03");

        var result = await _host.RunAsync("status", "--json");

        Assert.Equal(1, result.ExitCode); // three stores never ran: stale
        var stores = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("stores").EnumerateArray().ToList();
        Assert.Equal(4, stores.Count);
        var sl = stores.Single(s => s.GetProperty("store").GetString() == "sushantlok1");
        Assert.Equal("2025-10-03", sl.GetProperty("last_success_to").GetString());
        Assert.Equal("succeeded", sl.GetProperty("last_run_status").GetString());
        Assert.Equal(6, sl.GetProperty("orders").GetInt64());
        Assert.False(sl.GetProperty("stale").GetBoolean());
        Assert.True(sl.GetProperty("hours_since_success").GetDouble() < 1);
        Assert.True(stores.Single(s => s.GetProperty("store").GetString() == "a817").GetProperty("stale").GetBoolean());
        Assert.Equal(30, stores.Single(s => s.GetProperty("store").GetString() == "a817").GetProperty("uncovered_days").GetArrayLength());
    }
}
