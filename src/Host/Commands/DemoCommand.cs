using System.Diagnostics;
using System.Text.Json;
using CrmEtl.Abstractions.Portals;
using CrmEtl.Host.Cli;
using CrmEtl.Host.Downloads;
using CrmEtl.Host.Ingestion;
using Npgsql;

namespace CrmEtl.Host.Commands;

/// <summary>
/// The main job end to end on the sandbox portals and the embedded database (its own database, crmetl_demo,
/// made anew): bootstrap the four stores, download and ingest the last days, run again to show that nothing
/// is inserted twice, show what orders holds per cost center, then load the sample SalesPro export and leads workbook beside them and
/// pull the sandbox's ERPNext site and CRM API twice.
/// </summary>
internal static class DemoCommand
{
    private const string Database = "crmetl_demo";

    /// <summary>Points the host at the demo's database (serve --demo, users --demo).</summary>
    public static async Task UseDemoDatabaseAsync(HostContext host, CancellationToken ct)
    {
        await host.Cluster.EnsureRunningAsync(ct);
        host.DatabaseOverride = host.Cluster.ConnectionString(Database);
    }

    public static async Task<int> RunAsync(HostContext host, DemoOptions options, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var cluster = host.Cluster;
        await cluster.EnsureRunningAsync(ct);
        await RecreateDatabaseAsync(cluster.ConnectionString("postgres"), ct);
        host.DatabaseOverride = cluster.ConnectionString(Database);
        var connectionString = await host.DatabaseAsync(ct);

        await using var sandbox = await SandboxProcess.StartAsync(ct, "--erpnext", "2000", "--crmapi", "300");
        var demoHome = Path.Combine(host.Paths.Home, "demo");
        var config = host.Config;
        config.Crms["td"] = new() { Urls = new(StringComparer.OrdinalIgnoreCase) { ["subs"] = sandbox.Url("td_subs"), ["reports"] = sandbox.Url("td_reports") } };
        config.Crms["uc"] = new() { Urls = new(StringComparer.OrdinalIgnoreCase) { ["store"] = sandbox.Url("uc_store") } };
        config.Download.Folder = Path.Combine(demoHome, "downloads");
        config.Download.RetryBackoffSeconds = 0.5;
        foreach (var store in config.Stores) store.Profile = Path.Combine(demoHome, "profiles", $"{store.Crm}_{store.Id}.json");
        Console.WriteLine($"sandbox portals: TumbleDry {sandbox.Url("td_subs")} + {sandbox.Url("td_reports")}, UClean {sandbox.Url("uc_store")}");

        var stores = config.Stores.Where(s => s.Enabled).ToList();
        var otp = sandbox.Ready.GetProperty("otp").GetString()!;
        foreach (var account in sandbox.Ready.GetProperty("accounts").EnumerateArray())
        {
            var store = stores.Single(s => s.Crm == account.GetProperty("crm").GetString() && s.Id == account.GetProperty("store").GetString());
            var credentials = new PortalCredentials(account.GetProperty("user").GetString()!, account.GetProperty("password").GetString()!,
                store.Code, _ => Task.FromResult(otp));
            var path = await BootstrapCommand.RunAsync(host, config, store, headless: true, credentials, ct);
            Console.WriteLine($"bootstrap {store.Crm}/{store.Id}: logged in with OTP, session saved to {path}");
        }

        var today = CliDates.TodayInIndia();
        var plan = new DownloadPlan(stores, today.AddDays(1 - options.Days), today, Headless: true, KeepFiles: false, config.Download.Parallel);
        var service = new DownloadService(host, config, connectionString);
        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var first = await service.RunAsync(playwright, plan, ct);
        Console.WriteLine($"\nrun 1: {plan.From:yyyy-MM-dd}..{plan.To:yyyy-MM-dd}, four stores");
        RunReport.Print(first, json: false);
        var second = await service.RunAsync(playwright, plan, ct);
        Console.WriteLine("\nrun 2: the same window again (nothing may be inserted twice)");
        RunReport.Print(second, json: false);

        Console.WriteLine("\norders per cost center:");
        await PrintOrdersAsync(connectionString, ct);
        Console.WriteLine("\nTumbleDry payments per cost center and mode (Sales & Delivery report):");
        await PrintPaymentsAsync(connectionString, ct);
        var appointments = await SalesProSampleAsync(host, connectionString, ct);
        var leads = await LeadsSampleAsync(host, connectionString, ct);
        var pulled = await PullSandboxesAsync(host, sandbox, connectionString, ct);
        // Nothing else runs against the demo's database: a store skipped as busy is a fault here.
        var ok = first.Concat(second).All(o => o.IsOk && o.Status != DownloadOutcome.Skipped) && second.Sum(o => o.Ingest?.Inserted ?? 0) == 0
                 && appointments?.IsFailure != true && leads?.IsFailure != true && pulled.All(o => o.IsOk);
        Console.WriteLine($"\ndemo {(ok ? "finished" : "FAILED")} in {clock.Elapsed.TotalSeconds:0.0} s; " +
                          $"run 1 inserted {first.Sum(o => o.Ingest?.Inserted ?? 0)}, run 2 inserted {second.Sum(o => o.Ingest?.Inserted ?? 0)}, " +
                          $"updated {second.Sum(o => o.Ingest?.Updated ?? 0)} (today's orders move on with the clock, as on the portals) " +
                          $"and found {second.Sum(o => o.Ingest?.Unchanged ?? 0)} unchanged");
        await PrintWebLoginAsync(host, connectionString, ct);
        return ok ? 0 : 1;
    }

    // A demo login for the web page over this database: a new password at every demo, shown here only.
    private static async Task PrintWebLoginAsync(HostContext host, string connectionString, CancellationToken ct)
    {
        var password = Web.WebUsers.RandomSecret(9);
        await using var db = Npgsql.NpgsqlDataSource.Create(connectionString);
        await Web.WebUsers.AddAsync(db, "demo", "admin", null, password, ct);
        var port = host.Config.Serve.Port;
        Console.WriteLine($"\nweb page and API: ./crm-etl serve --demo, then open http://127.0.0.1:{port}/ and log in as demo / {password}");
    }

    // The API sources against the sandbox's ERPNext site and CRM: pulled twice (the second finds nothing new).
    private static async Task<List<IngestOutcome>> PullSandboxesAsync(HostContext host, SandboxProcess sandbox, string connectionString, CancellationToken ct)
    {
        var erp = sandbox.Ready.GetProperty("erpnext");
        var crm = sandbox.Ready.GetProperty("crmapi");
        host.Config.SettingsOverrides["erpnext"] = JsonSerializer.SerializeToElement(new
        {
            instances = new[] { new { name = "demo", url = erp.GetProperty("url").GetString(), doctypes = erp.GetProperty("doctypes"), pageSize = "500" } },
        });
        host.Config.SettingsOverrides["crmapi"] = JsonSerializer.SerializeToElement(new { url = crm.GetProperty("url").GetString() });
        // the sandbox's made-up credentials, as an operator's environment would hold real ones
        Environment.SetEnvironmentVariable("CRMETL_ERPNEXT_DEMO_KEY", erp.GetProperty("key").GetString());
        Environment.SetEnvironmentVariable("CRMETL_ERPNEXT_DEMO_SECRET", erp.GetProperty("secret").GetString());
        Environment.SetEnvironmentVariable("CRMETL_CRMAPI_TOKEN", crm.GetProperty("token").GetString());

        var outcomes = new List<IngestOutcome>();
        using var http = Http.ResilientHttp.Create();
        var inserted = new List<long>();
        foreach (var round in new[] { "pull 1", "pull 2: nothing new" })
        {
            var before = outcomes.Count;
            Console.WriteLine($"\nERPNext and CRM API sandboxes, {round}:");
            foreach (var crmKey in new[] { "erpnext", "crmapi" })
            {
                var plugin = host.Plugins.Plugins.FirstOrDefault(p => p.Info.Crm == crmKey);
                if (plugin is null) continue;
                var context = new Abstractions.Api.PullContext(host.Config.PluginSettings(crmKey), http, new Dictionary<string, string>(), false,
                    message => Logging.Log.Info($"{crmKey}/pull", "pull", message));
                var runs = await new PullService(connectionString, host.Paths).PullAsync(new PullRequest(plugin, null, context, host.InvocationId, IngestRequest.DefaultMaxRejects), ct);
                RunReport.Print(runs, json: false);
                outcomes.AddRange(runs);
            }
            inserted.Add(outcomes.Skip(before).Sum(o => o.Inserted + o.Updated));
        }
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            select (select count(*) from erp_documents), (select count(*) from erp_sales_invoice_daily), (select coalesce(sum(grand_total), 0) from erp_sales_invoice_daily),
                   (select count(*) from accounts), (select count(*) from deals), (select count(*) from deal_aggregations)
            """, conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        Console.WriteLine($"  erp_documents {reader.GetInt64(0)}, erp_sales_invoice_daily {reader.GetInt64(1)} days (grand total {reader.GetDecimal(2):N2}); " +
                          $"accounts {reader.GetInt64(3)}, deals {reader.GetInt64(4)}, deal_aggregations {reader.GetInt64(5)}");
        Console.WriteLine($"  API pulls: {outcomes.Count} runs; pull 1 wrote {inserted[0]} rows, pull 2 wrote {inserted[1]}");
        return outcomes;
    }

    // A sample file of a source that is not about orders, loaded beside them into the same warehouse, and a table of
    // what it became (the query's first column text, the rest numbers); null when the plugin or the sample is missing.
    private static async Task<IngestOutcome?> SampleAsync(HostContext host, string connectionString, string crm, string sample, string title,
        string header, string query, CancellationToken ct)
    {
        var plugin = host.Plugins.Plugins.FirstOrDefault(p => p.Info.Crm == crm);
        var path = Path.Combine(Path.GetDirectoryName(host.Paths.SqlRoot)!, "samples", sample);
        if (plugin is null || !File.Exists(path)) return null;
        var request = new IngestRequest(plugin, plugin.FileDatasets.Single(), null, path, null, null, host.InvocationId);
        var outcome = await new IngestService(connectionString, host.Paths).IngestAsync(request, ct);
        Console.WriteLine($"\n{title} ({sample}):");
        RunReport.Print([outcome], json: false);
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(query, conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        Console.WriteLine("  " + header);
        while (await reader.ReadAsync(ct))
            Console.WriteLine($"  {reader.GetString(0),-40}" + string.Concat(Enumerable.Range(1, reader.FieldCount - 1)
                .Select(i => reader.GetValue(i) is decimal d ? $" {d,14:N2}" : $" {reader.GetValue(i),5}")));
        return outcome;
    }

    private static Task<IngestOutcome?> SalesProSampleAsync(HostContext host, string connectionString, CancellationToken ct) =>
        SampleAsync(host, connectionString, "salespro", "SalesPro2025-06-18.csv", "SalesPro appointments",
            $"{"sales rep (top 5 by sales)",-40} {"appts",5} {"sales",5} {"amount (USD)",14}", """
            select u.email, count(a.*), count(a.*) filter (where a.is_sale), coalesce(sum(a.sale_amount), 0)
            from salespro_users u join salespro_appointment a on a.salesrep_email = u.email
            group by 1 order by 4 desc limit 5
            """, ct);

    // The library's sample workbook: five sheets of different formats into one list of leads.
    private static Task<IngestOutcome?> LeadsSampleAsync(HostContext host, string connectionString, CancellationToken ct) =>
        SampleAsync(host, connectionString, "leads", "Leads-2025-11-12.xlsx", "Library leads",
            $"{"first seen on sheet",-40} {"leads",5} {"email",5} {"dated",5} {"age",5}", """
            select source_sheet, count(*), count(email), count(lead_date), count(child_age) from leads group by 1 order by min(lead_id)
            """, ct);

    private static async Task RecreateDatabaseAsync(string admin, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(admin);
        await conn.OpenAsync(ct);
        foreach (var sql in new[] { $"drop database if exists {Database} with (force)", $"create database {Database}" })
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task PrintPaymentsAsync(string connectionString, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            select cost_center, payment_mode, count(*), sum(amount),
                   (select count(*) from orders o where o.cost_center = p.cost_center and o.payment_mode_summary ? p.payment_mode)
            from order_payments p group by 1, 2 order by 1, 4 desc
            """, conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        Console.WriteLine($"  {"cost ctr",-8} {"mode",-14} {"payments",8} {"amount (INR)",14} {"orders",7}");
        while (await reader.ReadAsync(ct))
            Console.WriteLine($"  {reader.GetString(0),-8} {reader.GetString(1),-14} {reader.GetInt64(2),8} {reader.GetDecimal(3),14:N2} {reader.GetInt64(4),7}");
    }

    private static async Task PrintOrdersAsync(string connectionString, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            select cost_center, source_system, count(*), sum(net_amount), min(order_date), max(order_date)
            from orders group by 1, 2 order by 1
            """, conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        Console.WriteLine($"  {"cost ctr",-8} {"source",-6} {"orders",7} {"net amount (INR)",18}  days");
        while (await reader.ReadAsync(ct))
            Console.WriteLine($"  {reader.GetString(0),-8} {reader.GetString(1),-6} {reader.GetInt64(2),7} {reader.GetDecimal(3),18:N2}  " +
                              $"{reader.GetFieldValue<DateOnly>(4):yyyy-MM-dd}..{reader.GetFieldValue<DateOnly>(5):yyyy-MM-dd}");
    }
}
