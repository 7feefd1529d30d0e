using System.Diagnostics;
using CrmEtl.Abstractions.Portals;
using CrmEtl.Host.Cli;
using CrmEtl.Host.Downloads;
using CrmEtl.Host.Ingestion;
using Npgsql;

namespace CrmEtl.Host.Commands;

/// <summary>
/// The main job end to end on the sandbox portals and the embedded database (its own database, crmetl_demo,
/// made anew): bootstrap the four stores, download and ingest the last days, run again to show that nothing
/// is inserted twice, and show what orders holds per cost center.
/// </summary>
internal static class DemoCommand
{
    private const string Database = "crmetl_demo";

    public static async Task<int> RunAsync(HostContext host, DemoOptions options, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var cluster = host.Cluster;
        await cluster.EnsureRunningAsync(ct);
        await RecreateDatabaseAsync(cluster.ConnectionString("postgres"), ct);
        host.DatabaseOverride = cluster.ConnectionString(Database);
        var connectionString = await host.DatabaseAsync(ct);

        await using var sandbox = await SandboxProcess.StartAsync(ct);
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
        RunReport.Print(first, json: false, withWindow: true);
        var second = await service.RunAsync(playwright, plan, ct);
        Console.WriteLine("\nrun 2: the same window again (nothing may be inserted twice)");
        RunReport.Print(second, json: false, withWindow: true);

        Console.WriteLine("\norders per cost center:");
        await PrintOrdersAsync(connectionString, ct);
        // Nothing else runs against the demo's database: a store skipped as busy is a fault here.
        var ok = first.Concat(second).All(o => o.IsOk && o.Status != IngestOutcome.Skipped) && second.Sum(o => o.Inserted) == 0;
        Console.WriteLine($"\ndemo {(ok ? "finished" : "FAILED")} in {clock.Elapsed.TotalSeconds:0.0} s; " +
                          $"run 1 inserted {first.Sum(o => o.Inserted)}, run 2 inserted {second.Sum(o => o.Inserted)}, " +
                          $"updated {second.Sum(o => o.Updated)} (today's orders move on with the clock, as on the portals) " +
                          $"and found {second.Sum(o => o.Unchanged)} unchanged");
        return ok ? 0 : 1;
    }

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
