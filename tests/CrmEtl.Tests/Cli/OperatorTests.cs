using System.Text.Json;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Cli;

/// <summary>
/// The operator's experience (issue 18): one home whatever the working folder, nothing created by --help or
/// --version, and a status that says what is true (windows after a re-ingest, disabled and removed stores, sessions,
/// the database and the home).
/// </summary>
public sealed class OperatorTests
{
    private readonly string _dir = Repo.TempDir("operator");

    private string Config(params (string Crm, string Id, string Code, string CostCenter, bool Enabled)[] stores)
    {
        var path = Path.Combine(_dir, "crm-etl.json");
        var json = new
        {
            stores = stores.Select(s => new
            {
                crm = s.Crm, id = s.Id, code = s.Code, name = s.Id, costCenter = s.CostCenter, enabled = s.Enabled,
                profile = $"profiles/{s.Crm}_{s.Id}.json",
            }),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(json));
        return path;
    }

    [Fact]
    public async Task Help_and_version_create_nothing_and_every_folder_finds_the_same_home()
    {
        var fresh = Path.Combine(_dir, "never-made");
        var host = new HostProcess("");
        host.Environment["CRMETL_HOME"] = fresh;

        var help = await host.RunAsync("--help");
        var version = await host.RunAsync("--version");
        var verbHelp = await host.RunAsync("ingest", "--help");

        Assert.Equal(0, help.ExitCode);
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^crm-etl \d+\.\d+\.\d+\S*$", version.Stdout.Trim());
        Assert.Equal(0, verbHelp.ExitCode);
        // a verb's help: its usage line with placeholders, an example, the exit codes, all on stdout
        Assert.StartsWith("usage: ./crm-etl ingest --crm CRM [--store ID] --file PATH [--report R] [--max-rejects N] [--from yyyy-MM-dd]", verbHelp.Stdout);
        Assert.Contains("example: ./crm-etl ingest --crm td --store a668 --file samples/", verbHelp.Stdout);
        Assert.Contains("exit codes: 0 every run succeeded", verbHelp.Stdout);
        Assert.False(Directory.Exists(fresh));

        // a stray word is refused, naming it, before anything runs
        var stray = await host.RunAsync("housekeep", "now");
        Assert.Equal(2, stray.ExitCode);
        Assert.Contains("'now' is not an option or argument of housekeep", stray.Stderr);

        // No CRMETL_HOME: the home is beside the configuration in use, from whichever folder a command runs.
        var config = Config(("td", "a668", "a668", "UN3668", true));
        var homes = new List<string>();
        foreach (var _ in new[] { 1, 2 })
        {
            var elsewhere = new HostProcess(""); // each runs in a folder of its own
            elsewhere.Environment["CRMETL_HOME"] = "";
            elsewhere.Environment["CRMETL_DATABASE"] = "";
            elsewhere.Environment["CRMETL_CONFIG"] = config;
            var status = await elsewhere.RunAsync("db", "status");
            Assert.Equal(1, status.ExitCode); // no cluster there yet: not running
            Assert.Contains("not created", status.Stdout);
            homes.Add(status.Stdout.Split('\n')[0]);
        }
        Assert.Equal([$"home {Path.Combine(_dir, ".crm-etl")}", $"home {Path.Combine(_dir, ".crm-etl")}"], homes);
    }

    [Fact]
    public async Task Status_says_what_is_true_of_windows_disabled_and_removed_stores_sessions_and_the_database()
    {
        var cs = await TestCluster.CreateMigratedDatabaseAsync("opstatus");
        var host = new HostProcess(cs);
        host.Environment["CRMETL_CONFIG"] = Config(("td", "a668", "a668", "UN3668", true), ("td", "a817", "a817", "KN3817", false), ("uc", "sector56", "UC567", "SC3567", true));
        Directory.CreateDirectory(Path.Combine(_dir, "profiles"));
        await File.WriteAllTextAsync(Path.Combine(_dir, "profiles", "td_a668.json"), "{}");
        File.SetLastWriteTimeUtc(Path.Combine(_dir, "profiles", "td_a668.json"), DateTime.UtcNow.AddDays(-3));
        var sample = Path.Combine(Repo.Root, "samples", "TD_OrderReport_UttamNagar_2025-11-12_to_2025-11-12.xlsx");
        Assert.Equal(0, (await host.RunAsync("ingest", "--crm", "td", "--store", "a668", "--file", sample)).ExitCode);
        Assert.Equal(0, (await host.RunAsync("ingest", "--crm", "td", "--store", "a668", "--file", sample)).ExitCode); // a duplicate
        // sector56 leaves the configuration: its orders stay, it is no longer run
        host.Environment["CRMETL_CONFIG"] = Config(("td", "a668", "a668", "UN3668", true), ("td", "a817", "a817", "KN3817", false));

        var status = await host.RunAsync("status", "--json");
        var text = await host.RunAsync("status");

        Assert.True(status.ExitCode == 0, status.ToString()); // nothing that runs is stale
        var doc = JsonDocument.Parse(status.Stdout).RootElement;
        Assert.Contains("/", doc.GetProperty("database").GetString());
        Assert.Equal(host.Home, doc.GetProperty("home").GetString());
        var stores = doc.GetProperty("stores").EnumerateArray().ToDictionary(s => s.GetProperty("store").GetString()!);
        Assert.Equal("2025-11-12", stores["a668"].GetProperty("last_success_from").GetString());
        Assert.Equal(("enabled", false), (stores["a668"].GetProperty("state").GetString(), stores["a668"].GetProperty("stale").GetBoolean()));
        Assert.InRange(stores["a668"].GetProperty("session_age_hours").GetDouble(), 71.9, 72.1);
        Assert.Equal(("disabled", false), (stores["a817"].GetProperty("state").GetString(), stores["a817"].GetProperty("stale").GetBoolean()));
        Assert.Equal(("removed", false), (stores["sector56"].GetProperty("state").GetString(), stores["sector56"].GetProperty("stale").GetBoolean()));
        Assert.Contains("2025-11-12 .. 2025-11-12", text.Stdout);
        Assert.Contains("3.0 days old", text.Stdout);
        Assert.Matches(@"a817 .* disabled", text.Stdout);
        Assert.Matches(@"sector56 .* removed", text.Stdout);

        // --quiet: no info lines on stderr; --verbose: the stages' timings
        var quiet = await host.RunAsync("ingest", "--crm", "td", "--store", "a668", "--file", sample, "--quiet");
        var verbose = await host.RunAsync("ingest", "--crm", "td", "--store", "a668", "--file", sample, "--verbose", "--dry-run");
        Assert.Equal((0, 0), (quiet.ExitCode, verbose.ExitCode));
        Assert.DoesNotContain("[INFO ]", quiet.Stderr);
        Assert.Contains("[DEBUG]", verbose.Stderr);

        // a --file that is a folder or missing: exit 2 naming it, and no run recorded
        var runs = await Db.ScalarAsync<long>(cs, "select count(*) from ingest_audit");
        var folder = await host.RunAsync("ingest", "--crm", "td", "--store", "a668", "--file", _dir);
        var missing = await host.RunAsync("ingest", "--crm", "td", "--store", "a668", "--file", Path.Combine(_dir, "nope.xlsx"));
        Assert.Equal((2, 2), (folder.ExitCode, missing.ExitCode));
        Assert.Contains($"--file {_dir} is a folder, not a file", folder.Stderr);
        Assert.Contains("nope.xlsx: no such file", missing.Stderr);
        Assert.Equal(runs, await Db.ScalarAsync<long>(cs, "select count(*) from ingest_audit"));
        Assert.StartsWith($"home {host.Home}; database ", text.Stdout);
    }

    [Fact]
    public async Task Without_alerts_status_says_failures_go_unnoticed_and_alerts_test_proves_a_channel()
    {
        var host = new HostProcess(await TestCluster.CreateMigratedDatabaseAsync("opalerts"));
        host.Environment["CRMETL_CONFIG"] = Config(("td", "a668", "a668", "UN3668", true));

        var none = await host.RunAsync("alerts", "test");
        var status = await host.RunAsync("status");
        using var webhook = new WebhookSink();
        host.Environment["CRMETL_Alerts__WebhookUrl"] = webhook.Url;
        var test = await host.RunAsync("alerts", "test");
        var configured = await host.RunAsync("status", "--json");
        host.Environment["CRMETL_Alerts__WebhookUrl"] = "http://127.0.0.1:9/nothing-listens";
        var broken = await host.RunAsync("alerts", "test");

        Assert.Equal(1, none.ExitCode);
        Assert.Contains("failures will go unnoticed", none.Stderr);
        Assert.Contains("alerts: no alerts are configured", status.Stdout);
        Assert.True(test.ExitCode == 0, test.ToString());
        Assert.Contains("test alert sent through 1 channel(s) (webhook http://127.0.0.1:", test.Stdout);
        var received = Assert.Single(webhook.Received);
        Assert.Equal("test", received.Body.GetProperty("kind").GetString());
        Assert.StartsWith("webhook http://127.0.0.1:", JsonDocument.Parse(configured.Stdout).RootElement.GetProperty("alerts").GetString());
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("1 failed", broken.Stdout);
    }

    [Fact]
    public async Task A_json_log_file_on_request_and_an_operators_nlog_file_in_place_of_the_built_in_logging()
    {
        var cs = await TestCluster.CreateMigratedDatabaseAsync("logs");
        var host = new HostProcess(cs);
        host.Environment["CRMETL_LOG_JSON"] = "1";
        var migrate = await host.RunAsync("migrate", "--verbose");
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        var lines = await File.ReadAllLinesAsync(Path.Combine(host.Home, "logs", "crm-etl.jsonl"));
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            var e = System.Text.Json.JsonDocument.Parse(line).RootElement;
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$", e.GetProperty("time").GetString());
            Assert.Contains(e.GetProperty("level").GetString(), new[] { "debug", "info", "warn", "error" });
            Assert.True(e.GetProperty("pid").GetInt32() > 0);
        }
        Assert.Contains(lines, l => l.Contains("\"event\":\"host.start\""));
        Assert.Equal(lines.Length, (await File.ReadAllLinesAsync(Path.Combine(host.Home, "logs", "crm-etl.log"))).Length);

        // the example file, edited by an operator: another file name, and the console at the level the tool asks for
        var custom = new HostProcess(cs);
        await File.WriteAllTextAsync(Path.Combine(custom.Home, "nlog.config"),
            (await File.ReadAllTextAsync(Path.Combine(Repo.Root, "nlog.example.config"))).Replace("/crm-etl.log\"", "/operator.log\""));
        var quiet = await custom.RunAsync("migrate");
        Assert.True(quiet.ExitCode == 0, quiet.ToString());
        Assert.DoesNotContain("[DEBUG]", quiet.Stderr);
        var verbose = await custom.RunAsync("migrate", "--verbose");
        Assert.Contains("[DEBUG]", verbose.Stderr);
        Assert.Contains("host.start", await File.ReadAllTextAsync(Path.Combine(custom.Home, "logs", "operator.log")));
        Assert.True(File.Exists(Path.Combine(custom.Home, "logs", "crm-etl.jsonl")));
        Assert.False(File.Exists(Path.Combine(custom.Home, "logs", "crm-etl.log")));

        // a broken file costs nothing: the built-in logging takes over and says why
        await File.WriteAllTextAsync(Path.Combine(custom.Home, "nlog.config"), "<nlog><targets><target xsi:type=");
        var broken = await custom.RunAsync("migrate");
        Assert.True(broken.ExitCode == 0, broken.ToString());
        Assert.Contains("is not a usable NLog configuration", broken.Stderr);
        Assert.True(File.Exists(Path.Combine(custom.Home, "logs", "crm-etl.log")));
    }
}
