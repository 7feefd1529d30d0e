using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrmEtl.Sandbox;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Plugins;

/// <summary>
/// The CRM API plugin (sources.md section 4) through the built host against a loopback CRM: pages and cursors, the
/// seed's enums enforced, deals waiting for their account, aggregations per day/week/month, export and update.
/// </summary>
public sealed class CrmApiTests : IAsyncLifetime
{
    private readonly CrmApiSite _site = new();
    private readonly string _dir = Repo.TempDir("crmapi");
    private SandboxServer _server = null!;
    private string _url = "";

    public async Task InitializeAsync() => (_server, _url) = await SandboxServer.StartCrmApiAsync(_site);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(HostProcess Host, string Cs)> HostAsync()
    {
        var cs = await TestCluster.CreateDatabaseAsync("crmapi");
        var host = new HostProcess(cs);
        host.Environment["CRMETL_Crmapi__Url"] = _url;
        host.Environment["CRMETL_CRMAPI_TOKEN"] = _site.Token;
        return (host, cs);
    }

    private static async Task<List<JsonElement>> PullAsync(HostProcess host, int exit = 0, params string[] more)
    {
        var result = await host.RunAsync(["pull", "--crm", "crmapi", "--json", .. more]);
        Assert.True(result.ExitCode == exit && result.Stdout.StartsWith('{'), result.ToString());
        return JsonDocument.Parse(result.Stdout).RootElement.GetProperty("runs").EnumerateArray().ToList();
    }

    private static (long Read, long Rejected, long Inserted, long Updated) Counts(List<JsonElement> runs, string scope, string table)
    {
        var run = runs.Single(r => r.GetProperty("scope").GetString() == scope);
        var t = run.GetProperty("tables").EnumerateArray().FirstOrDefault(x => x.GetProperty("table").GetString() == table);
        return (run.GetProperty("rows_read").GetInt64(), run.GetProperty("rejected").GetInt64(),
            t.ValueKind == JsonValueKind.Undefined ? 0 : t.GetProperty("inserted").GetInt64(),
            t.ValueKind == JsonValueKind.Undefined ? 0 : t.GetProperty("updated").GetInt64());
    }

    // deal_aggregations as they must be, from the site's deals whose account is loaded.
    private List<string> ExpectedAggregations(ISet<int> accounts)
    {
        var rows = new List<string>();
        var deals = _site.All("deals")
            .Where(d => accounts.Contains(d["account_id"]!.GetValue<int>()) && d["deal_size"] is not null && d["deal_stage"]!.GetValue<string>() != "Won?")
            .Select(d => (Account: d["account_id"]!.GetValue<int>(), Size: d["deal_size"]!.GetValue<int>(),
                Day: DateOnly.FromDateTime(DateTime.Parse(d["created_at"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal))))
            .ToList();
        foreach (var (type, start) in new (string, Func<DateOnly, DateOnly>)[]
                 {
                     ("daily", d => d), ("weekly", d => d.AddDays(-(((int)d.DayOfWeek + 6) % 7))), ("monthly", d => new DateOnly(d.Year, d.Month, 1)),
                 })
            rows.AddRange(deals.GroupBy(d => (d.Account, Start: start(d.Day)))
                .Select(g => $"{g.Key.Account}|{type}|{g.Key.Start:yyyy-MM-dd}|{g.Sum(d => d.Size)}|{g.Count()}"));
        return rows.Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<List<string>> AggregationsAsync(string cs) =>
        (await Db.RowsAsync(cs, "select account_id || '|' || aggregation_type || '|' || to_char(aggregation_date, 'YYYY-MM-DD') || '|' || total_deal_size::bigint || '|' || deal_count from deal_aggregations"))
        .Select(r => (string)r[0]!).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task A_pull_loads_what_it_may_rejects_the_rest_and_places_waiting_deals_once_their_account_comes()
    {
        _site.Seed(accounts: 40, contacts: 130, deals: 260);
        _site.Put("accounts", new JsonObject { ["account_id"] = 41, ["account_name"] = "Polar", ["industry"] = "Tech", ["account_value"] = 5, ["region"] = "Antarctica" });
        _site.Put("contacts", new JsonObject { ["contact_id"] = "C-99999", ["first_name"] = "Cold", ["last_name"] = "Call", ["email"] = "c@x.com", ["lead_source"] = "Cold Call" });
        _site.Put("deals", CrmApiSite.Deal(900, account: 77, size: 5000)); // its account comes later
        var odd = CrmApiSite.Deal(901, account: 3, size: 700);
        odd["deal_stage"] = "Won?";
        _site.Put("deals", odd);
        _site.TooManyEvery = 9;
        var (host, cs) = await HostAsync();

        var runs = await PullAsync(host);

        Assert.Equal((41L, 1L, 40L, 0L), Counts(runs, "accounts", "accounts"));
        Assert.Equal((131L, 1L, 130L, 0L), Counts(runs, "contacts", "contacts"));
        Assert.Equal((262L, 2L, 260L, 0L), Counts(runs, "deals", "deals"));
        var rejects = (await Db.RowsAsync(cs, "select dataset || '|' || coalesce(column_name, '') || '|' || coalesce(value, '') from ingest_rejects order by dataset")).Select(r => (string)r[0]!).ToList();
        Assert.Equal(["accounts|region|Antarctica", "contacts|lead_source|Cold Call", "deals|account_id|77", "deals|deal_stage|Won?"], rejects.Order(StringComparer.Ordinal));
        Assert.Contains("waits for it", await Db.ScalarAsync<string>(cs, "select reason from ingest_rejects where value = '77'"));
        Assert.Equal(1L, await Db.ScalarAsync<long>(cs, "select count(*) from crm_waiting_deals"));
        Assert.Equal("person7@example.com", await Db.ScalarAsync<string>(cs, "select email from contacts where contact_id = 'C-00007'"));
        var accounts = Enumerable.Range(1, 40).ToHashSet();
        Assert.Equal(ExpectedAggregations(accounts), await AggregationsAsync(cs));

        // Nothing changed: nothing written (the cursor's own records are read again and found equal).
        _site.TooManyEvery = 0;
        var quiet = await PullAsync(host);
        Assert.All(quiet, r => Assert.Equal(0L, r.GetProperty("inserted").GetInt64() + r.GetProperty("updated").GetInt64()));

        // Account 77 arrives; a deal moves to another month and account, one loses its size: periods rebuilt.
        _site.Put("accounts", new JsonObject { ["account_id"] = 77, ["account_name"] = "Late Corp", ["industry"] = "Retail", ["account_value"] = 90000, ["region"] = "Asia" });
        var moved = _site.Get("deals", "10")!;
        moved["created_at"] = "2025-12-01T00:00:00Z";
        moved["account_id"] = 5;
        _site.Put("deals", moved);
        var sizeless = _site.Get("deals", "11")!;
        sizeless["deal_size"] = null;
        _site.Put("deals", sizeless);

        var later = await PullAsync(host);

        Assert.Equal(1L, Counts(later, "accounts", "accounts").Inserted);
        Assert.Equal((1L, 2L), (Counts(later, "deals", "deals").Inserted, Counts(later, "deals", "deals").Updated)); // 900 placed; 10 and 11 changed
        Assert.Equal(0L, await Db.ScalarAsync<long>(cs, "select count(*) from crm_waiting_deals"));
        accounts.Add(77);
        Assert.Equal(ExpectedAggregations(accounts), await AggregationsAsync(cs));
        Assert.Equal(4L, await Db.ScalarAsync<long>(cs, "select count(*) from ingest_rejects")); // the waiting deal was not rejected again
    }

    [Fact]
    public async Task Export_and_update_work_on_the_warehouse_and_the_crm()
    {
        _site.Seed(accounts: 5, contacts: 6, deals: 12);
        var (host, cs) = await HostAsync();
        await PullAsync(host);

        var json = Path.Combine(_dir, "deals.json");
        var export = await host.RunAsync("export", "--crm", "crmapi", "--entity", "deals", "--format", "json", "--out", json);
        Assert.True(export.ExitCode == 0, export.ToString());
        var deals = JsonDocument.Parse(await File.ReadAllTextAsync(json)).RootElement.EnumerateArray().ToList();
        Assert.Equal(12, deals.Count);
        Assert.Equal(_site.Get("deals", "5")!["deal_name"]!.GetValue<string>(), deals.Single(d => d.GetProperty("deal_id").GetInt32() == 5).GetProperty("deal_name").GetString());
        var csv = Path.Combine(_dir, "aggregations.csv");
        Assert.Equal(0, (await host.RunAsync("export", "--crm", "crmapi", "--entity", "deal_aggregations", "--format", "csv", "--out", csv)).ExitCode);
        var lines = await File.ReadAllLinesAsync(csv);
        Assert.Equal("id,account_id,aggregation_type,aggregation_date,total_deal_size,deal_count", lines[0]);
        Assert.Equal(await Db.ScalarAsync<long>(cs, "select count(*) from deal_aggregations") + 1, lines.Length);

        var update = await host.RunAsync("update", "--crm", "crmapi", "--entity", "deals", "--key", "deal_id", "--value", "7", "--set", "deal_size=24456", "--set", "deal_stage=Closed-Won");
        Assert.True(update.ExitCode == 0, update.ToString());
        Assert.Equal(24456, _site.Get("deals", "7")!["deal_size"]!.GetValue<int>());
        Assert.Equal([24456, "Closed-Won"], (await Db.RowsAsync(cs, "select deal_size, deal_stage::text from deals where deal_id = 7")).Single());

        // every deal of account 2 at once
        var byAccount = await host.RunAsync("update", "--crm", "crmapi", "--entity", "deals", "--key", "account_id", "--value", "2", "--set", "probability_of_closure=90%");
        Assert.True(byAccount.ExitCode == 0, byAccount.ToString());
        var ofAccount = _site.All("deals").Where(d => d["account_id"]!.GetValue<int>() == 2).ToList();
        Assert.NotEmpty(ofAccount);
        Assert.All(ofAccount, d => Assert.Equal("90%", d["probability_of_closure"]!.GetValue<string>()));
        Assert.Equal(ofAccount.Count, await Db.ScalarAsync<long>(cs, "select count(*) from deals where account_id = 2 and probability_of_closure = '90%'"));

        foreach (var (args, why) in new[]
                 {
                     (new[] { "--set", "deal_sise=1" }, "no field 'deal_sise'"),
                     (["--set", "deal_size=big"], "'big' is not a number"),
                     (["--set", "deal_stage=Won"], "'Won' is not one of"),
                 })
        {
            var bad = await host.RunAsync(["update", "--crm", "crmapi", "--entity", "deals", "--key", "deal_id", "--value", "7", .. args]);
            Assert.Equal(2, bad.ExitCode);
            Assert.Contains(why, bad.Stderr);
        }
        var none = await host.RunAsync("update", "--crm", "crmapi", "--entity", "deals", "--key", "deal_id", "--value", "4040", "--set", "deal_size=1");
        Assert.Equal(1, none.ExitCode);
    }

    [Fact]
    public async Task The_schedules_crm_job_pulls_through_the_wrapper()
    {
        _site.Seed(accounts: 4, contacts: 5, deals: 6);
        var (host, cs) = await HostAsync();

        var run = await host.RunScriptAsync("scripts/scheduled-run.sh", "pull", "crmapi");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(4L, await Db.ScalarAsync<long>(cs, "select count(*) from accounts"));
        var log = await File.ReadAllTextAsync(Path.Combine(host.Home, "logs", $"scheduled-{DateTime.Now:yyyy-MM-dd}.log"));
        Assert.Contains("scheduled run: pull crmapi", log);
        Assert.DoesNotContain("download --crm", log);
        Assert.DoesNotContain(_site.Token, log);
    }

    [Fact]
    public async Task A_refused_token_fails_every_entity_and_moves_no_cursor()
    {
        _site.Seed(accounts: 3, contacts: 3, deals: 3);
        var (host, cs) = await HostAsync();
        host.Environment["CRMETL_CRMAPI_TOKEN"] = "not-the-token";

        var runs = await PullAsync(host, exit: 1);

        Assert.Equal(3, runs.Count);
        Assert.All(runs, r => Assert.Contains("(401)", r.GetProperty("error").GetString()));
        Assert.Equal(0L, await Db.ScalarAsync<long>(cs, "select count(*) from source_cursors"));
        Assert.Equal(0L, await Db.ScalarAsync<long>(cs, "select count(*) from accounts"));
    }
}
