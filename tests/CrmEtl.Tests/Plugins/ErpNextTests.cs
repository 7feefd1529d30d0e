using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrmEtl.Sandbox;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Plugins;

/// <summary>
/// The ERPNext plugin (sources.md section 3) through the built host against a loopback Frappe-like site: keyset pages
/// across a bulk edit, incremental pulls, deletions, the daily invoice model, a refused doctype and bad credentials.
/// </summary>
public sealed class ErpNextTests : IAsyncLifetime
{
    private readonly ErpNextSite _site = new();
    private SandboxServer _server = null!;
    private string _url = "";

    public async Task InitializeAsync() => (_server, _url) = await SandboxServer.StartErpNextAsync(_site);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(HostProcess Host, string Cs)> HostAsync(int pageSize = 100, params string[] doctypes)
    {
        var cs = await TestCluster.CreateDatabaseAsync("erp");
        var host = new HostProcess(cs);
        host.Environment["CRMETL_Erpnext__Instances__0__Name"] = "site1";
        host.Environment["CRMETL_Erpnext__Instances__0__Url"] = _url;
        host.Environment["CRMETL_Erpnext__Instances__0__PageSize"] = pageSize.ToString(CultureInfo.InvariantCulture);
        var list = doctypes.Length > 0 ? doctypes : ["Sales Invoice", "Customer", "Item Group/Sub"];
        for (var i = 0; i < list.Length; i++) host.Environment[$"CRMETL_Erpnext__Instances__0__Doctypes__{i}"] = list[i];
        host.Environment["CRMETL_ERPNEXT_SITE1_KEY"] = _site.Key;
        host.Environment["CRMETL_ERPNEXT_SITE1_SECRET"] = _site.Secret;
        return (host, cs);
    }

    private static async Task<(int Exit, List<JsonElement> Runs, HostProcess.Result Result)> PullAsync(HostProcess host, params string[] more)
    {
        var result = await host.RunAsync(["pull", "--crm", "erpnext", "--json", .. more]);
        Assert.True(result.Stdout.StartsWith('{'), result.ToString());
        var runs = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("runs").EnumerateArray().ToList();
        return (result.ExitCode, runs, result);
    }

    private static JsonElement Run(List<JsonElement> runs, string scope) => runs.Single(r => r.GetProperty("scope").GetString() == scope);

    private static (long Read, long Inserted, long Updated, long Unchanged) Docs(JsonElement run)
    {
        var t = run.GetProperty("tables").EnumerateArray().FirstOrDefault(x => x.GetProperty("table").GetString() == "erp_documents");
        return (run.GetProperty("rows_read").GetInt64(),
            t.ValueKind == JsonValueKind.Undefined ? 0 : t.GetProperty("inserted").GetInt64(),
            t.ValueKind == JsonValueKind.Undefined ? 0 : t.GetProperty("updated").GetInt64(),
            t.ValueKind == JsonValueKind.Undefined ? 0 : t.GetProperty("unchanged").GetInt64());
    }

    // What erp_sales_invoice_daily must hold, computed from the site's documents.
    private List<object?[]> ExpectedDaily() =>
        _site.All("Sales Invoice")
            .Where(d => d["docstatus"]!.GetValue<int>() == 1)
            .GroupBy(d => d["posting_date"]!.GetValue<string>())
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new object?[] { g.Key, (long)g.Count(), g.Sum(d => d["grand_total"]!.GetValue<decimal>()) })
            .ToList();

    private static async Task<List<object?[]>> DailyAsync(string cs) =>
        await Db.RowsAsync(cs, "select to_char(posting_date, 'YYYY-MM-DD'), invoices, grand_total from erp_sales_invoice_daily where instance = 'site1' order by posting_date");

    [Fact]
    public async Task A_pull_takes_every_document_across_a_bulk_edit_then_only_what_changed()
    {
        // 1,300 invoices with 250 of them sharing one modified (a bulk edit), pages of 100: a cursor of "> the last
        // modified" would lose up to 99 of them at a page edge.
        _site.Seed(1300, days: 12, customers: 30);
        _site.Put("Item Group/Sub", new JsonObject { ["name"] = "Tools/Hand", ["parent_item_group"] = "All" });
        _site.TooManyEvery = 53; // 429 with Retry-After now and then: retried, nothing lost
        var (host, cs) = await HostAsync();

        var (exit, runs, result) = await PullAsync(host);

        Assert.True(exit == 0, result.ToString());
        Assert.Equal((1300L, 1300L, 0L, 0L), Docs(Run(runs, "site1/Sales Invoice")));
        Assert.Equal((30L, 30L, 0L, 0L), Docs(Run(runs, "site1/Customer")));
        Assert.Equal((1L, 1L, 0L, 0L), Docs(Run(runs, "site1/Item Group/Sub")));
        Assert.Equal(1331L, await Db.ScalarAsync<long>(cs, "select count(*) from erp_documents"));
        Assert.Equal(3L, await Db.ScalarAsync<long>(cs, "select count(*) from ingest_audit where crm = 'erpnext' and status = 'succeeded'"));
        Assert.Equal(3L, await Db.ScalarAsync<long>(cs, "select count(*) from source_cursors where crm = 'erpnext'"));
        // the whole document, child tables included; names with slashes and spaces
        var items = await Db.ScalarAsync<long>(cs, "select jsonb_array_length(document_data -> 'items') from erp_documents where name = 'ACC-SINV-2025-000004'");
        Assert.Equal(4L, items);
        Assert.Equal(1L, await Db.ScalarAsync<long>(cs, "select count(*) from erp_documents where doctype = 'Customer' and name = 'A/B Traders 9'"));
        Assert.Equal(ExpectedDaily(), await DailyAsync(cs));

        // Nothing changed: no document fetched again, nothing written.
        _site.TooManyEvery = 0;
        var gets = _site.DocumentGets;
        var (_, quiet, _) = await PullAsync(host);
        Assert.Equal(gets, _site.DocumentGets);
        Assert.All(quiet, r => Assert.Equal(0L, Docs(r).Inserted + Docs(r).Updated));

        // Three invoices edited (one moved to another day), two new, one deleted.
        foreach (var i in new[] { 10, 400, 1299 })
        {
            var doc = _site.Get("Sales Invoice", $"ACC-SINV-2025-{i + 1:D6}")!;
            doc["grand_total"] = doc["grand_total"]!.GetValue<decimal>() + 100;
            if (i == 400) doc["posting_date"] = "2025-11-30";
            _site.Put("Sales Invoice", doc);
        }
        _site.Put("Sales Invoice", ErpNextSite.Invoice(5000, 12, 30));
        _site.Put("Sales Invoice", ErpNextSite.Invoice(5001, 12, 30));
        _site.Delete("Sales Invoice", "ACC-SINV-2025-000001");

        var (again, changed, _) = await PullAsync(host, "--doctype", "Sales Invoice");

        Assert.Equal(0, again);
        var invoices = Run(changed, "site1/Sales Invoice");
        Assert.Equal((6L, 2L, 4L, 0L), Docs(invoices)); // 5 documents and 1 deletion read; 3 edited and 1 marked deleted
        Assert.NotNull(await Db.ScalarAsync<DateTime?>(cs, "select deleted_at from erp_documents where name = 'ACC-SINV-2025-000001'"));
        Assert.Equal(ExpectedDaily(), await DailyAsync(cs));
    }

    [Fact]
    public async Task A_pull_killed_half_way_leaves_nothing_half_loaded_and_the_next_one_completes_it()
    {
        _site.Seed(2400, days: 10, customers: 20);
        _site.DocumentDelay = TimeSpan.FromMilliseconds(15); // about 2.5 s of fetching: time to be killed in
        var (host, cs) = await HostAsync(pageSize: 200, "Sales Invoice");

        using (var pull = host.Start("pull", "--crm", "erpnext"))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (_site.DocumentGets < 600 && DateTime.UtcNow < deadline && !pull.HasExited) await Task.Delay(20);
            Assert.False(pull.HasExited, "the pull ended before it could be killed");
            pull.Kill(entireProcessTree: true);
            await pull.WaitForExitAsync();
        }
        Assert.InRange(_site.DocumentGets, 600, 2399);
        Assert.Equal(0L, await Db.ScalarAsync<long>(cs, "select count(*) from erp_documents"));
        Assert.Equal(0L, await Db.ScalarAsync<long>(cs, "select count(*) from source_cursors"));
        Assert.Equal(0L, await Db.ScalarAsync<long>(cs, "select count(*) from stg_erp_documents"));

        _site.DocumentDelay = TimeSpan.Zero;
        var (exit, runs, result) = await PullAsync(host);

        Assert.True(exit == 0, result.ToString());
        Assert.Equal((2400L, 2400L, 0L, 0L), Docs(Run(runs, "site1/Sales Invoice")));
        Assert.Equal(ExpectedDaily(), await DailyAsync(cs));
        Assert.Equal(1L, await Db.ScalarAsync<long>(cs, "select count(*) from ingest_audit where crm = 'erpnext' and status = 'succeeded'"));
    }

    [Fact]
    public async Task A_refused_doctype_or_instance_fails_alone_and_the_others_load()
    {
        _site.Seed(120, days: 3, customers: 8);
        _site.Denied.Add("Customer");
        var (host, cs) = await HostAsync(pageSize: 50);
        // a second instance on the same site whose secret is wrong
        host.Environment["CRMETL_Erpnext__Instances__1__Name"] = "site2";
        host.Environment["CRMETL_Erpnext__Instances__1__Url"] = _url;
        host.Environment["CRMETL_Erpnext__Instances__1__Doctypes__0"] = "*";
        host.Environment["CRMETL_ERPNEXT_SITE2_KEY"] = _site.Key;
        host.Environment["CRMETL_ERPNEXT_SITE2_SECRET"] = "wrong";

        var (exit, runs, result) = await PullAsync(host);

        Assert.Equal(1, exit);
        Assert.Equal("succeeded", Run(runs, "site1/Sales Invoice").GetProperty("status").GetString());
        Assert.Equal("no_data", Run(runs, "site1/Item Group/Sub").GetProperty("status").GetString()); // none on the site
        var customer = Run(runs, "site1/Customer");
        Assert.Equal("failed", customer.GetProperty("status").GetString());
        Assert.Contains("PermissionError (403)", customer.GetProperty("error").GetString());
        var site2 = Run(runs, "site2/*");
        Assert.Equal("failed", site2.GetProperty("status").GetString());
        Assert.Contains("(401)", site2.GetProperty("error").GetString());
        Assert.DoesNotContain("wrong", result.Stdout + result.Stderr); // never a secret in the output
        Assert.Equal(120L, await Db.ScalarAsync<long>(cs, "select count(*) from erp_documents"));
        Assert.Equal(["failed", "failed", "no_data", "succeeded"],
            (await Db.RowsAsync(cs, "select status from ingest_audit where crm = 'erpnext' order by status")).Select(r => (string)r[0]!));
        Assert.Null(await Db.ScalarAsync<string?>(cs, "select cursor from source_cursors where scope = 'site1/Customer'"));

        // Once the permission is granted, the next pull takes the customers; --full counts the rest as unchanged.
        _site.Denied.Clear();
        var (_, full, _) = await PullAsync(host, "--instance", "site1", "--full");
        Assert.Equal((8L, 8L, 0L, 0L), Docs(Run(full, "site1/Customer")));
        Assert.Equal((120L, 0L, 0L, 120L), Docs(Run(full, "site1/Sales Invoice")));

        var unknown = await host.RunAsync("pull", "--crm", "erpnext", "--instance", "nowhere");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--instance nowhere", unknown.Stderr);
    }
}
