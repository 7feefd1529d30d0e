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
        Assert.Equal(["crm", "dataset", "store", "scope", "file", "md5", "status", "dry_run", "rows_read", "rows_staged", "rejected",
                      "inserted", "updated", "unchanged", "tables", "warnings", "error"],
            run.EnumerateObject().Select(p => p.Name));
        Assert.Equal("orders", run.GetProperty("dataset").GetString());
        var table = run.GetProperty("tables").EnumerateArray().Single();
        Assert.Equal(("orders", 17, 0, 0), (table.GetProperty("table").GetString(), table.GetProperty("inserted").GetInt64(),
            table.GetProperty("updated").GetInt64(), table.GetProperty("unchanged").GetInt64()));
        Assert.Equal(0, run.GetProperty("rejected").GetInt64());
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
    public async Task What_the_tool_writes_is_its_users_alone_whatever_the_umask()
    {
        var file = Files.Td(_dir, TdOrderReport.Orders("a668", new DateOnly(2025, 10, 9), count: 3), name: "modes.xlsx");
        var result = await _host.RunAsync("ingest", "--crm", "td", "--store", "a668", "--file", file);
        Assert.True(result.ExitCode == 0, result.ToString());

        var logs = Path.Combine(_host.Home, "logs");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(logs));
        var written = Directory.GetFiles(logs);
        Assert.NotEmpty(written);
        Assert.All(written, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
    }

    [Theory]
    [InlineData("Id", "../../etc")]
    [InlineData("Name", "Uttam/../Nagar")]
    [InlineData("Code", "a668\nX")]
    public async Task A_store_setting_that_could_climb_out_of_its_folder_is_refused_before_anything_runs(string field, string value)
    {
        _host.Environment[$"CRMETL_Stores__0__{field}"] = value;
        var result = await _host.RunAsync("status", "--json");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"stores[0].{field.ToLowerInvariant()} '{value}' may hold only", result.Stderr);
        Assert.Empty(result.Stdout);
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
        foreach (var verb in new[] { "ingest", "transform", "migrate", "plugins", "status", "db", "download", "bootstrap", "demo", "schedule", "alerts", "housekeep" })
        {
            var result = await _host.RunAsync(verb, "--help");
            Assert.True(result.ExitCode == 0, verb + ": " + result);
            Assert.Contains("--help", result.Stdout); // help asked for is the answer, on stdout
            Assert.StartsWith($"usage: ./crm-etl {verb}", result.Stdout);
            Assert.Contains($"\nexample: ./crm-etl {verb}", result.Stdout);
            Assert.Contains("exit codes:", result.Stdout);
        }
    }

    [Fact]
    public async Task Plugins_lists_the_built_in_sources()
    {
        var result = await _host.RunAsync("plugins");
        Assert.Equal(0, result.ExitCode);
        var rows = result.Stdout.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(c => c.Length > 6).ToList();
        foreach (var (crm, system, dataset, staging) in new[]
                 {
                     ("td", "TD", "orders", "stg_td_order_report"), ("uc", "UC", "orders", "stg_uc_gst_report"),
                     ("manual", "MANUAL", "orders", "stg_manual_orders"), ("salespro", "SALESPRO", "appointments", "stg_salespro_appointments"),
                 })
            Assert.Contains(rows, c => c[0] == crm && c[1] == system && c.Contains(dataset) && c.Contains(staging));
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
