using CrmEtl.Host.Cli;
using CrmEtl.Host.Config;
using CrmEtl.Host.Downloads;
using Microsoft.Playwright;

namespace CrmEtl.Host.Commands;

internal static class DownloadCommand
{
    public static async Task<int> RunAsync(HostContext host, DownloadOptions options, CancellationToken ct)
    {
        if (options.Headless && options.Headed) throw new UsageException("give --headless or --headed, not both");
        var parallel = options.Parallel ?? host.Config.Download.Parallel;
        if (parallel < 1) throw new UsageException($"{(options.Parallel is null ? "download.parallel in crm-etl.json" : "--parallel")} must be 1 or more");
        var stores = Select(host.Config, options.Crm, options.Store);
        var to = CliDates.Parse(options.To, "--to") ?? CliDates.TodayInIndia();
        var from = options.From.Equals("auto", StringComparison.OrdinalIgnoreCase) ? null : CliDates.Parse(options.From, "--from");
        if (from > to) throw new UsageException($"--from {from:yyyy-MM-dd} is after --to {to:yyyy-MM-dd}");
        var headless = options.Headed ? false : options.Headless || host.Config.Browser.Headless;

        // The browser driver starts while the database is checked and migrated: each takes about half a second.
        var driver = Playwright.CreateAsync();
        string connectionString;
        try
        {
            connectionString = await host.DatabaseAsync(ct);
        }
        catch
        {
            _ = driver.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw;
        }
        using var playwright = await driver;
        var plan = new DownloadPlan(stores, from, to, headless, options.KeepFiles, parallel, options.Report);
        var outcomes = await TerminalProgress.RunAsync(options.Json, progress =>
            new DownloadService(host, host.Config, connectionString) { Progress = progress }.RunAsync(playwright, plan, ct), bars: true);
        RunReport.Print(outcomes, options.Json);
        await new Alerts.AlertService(host.Config, connectionString, host.InvocationId).NotifyAsync(outcomes, ct, host.Paths.Home);
        return outcomes.All(o => o.IsOk) ? 0 : 1;
    }

    public static IReadOnlyList<StoreConfig> Select(CrmEtlConfig config, string crm, string store)
    {
        var all = config.Stores.Where(s => s.Enabled).ToList();
        var byCrm = crm.Equals("all", StringComparison.OrdinalIgnoreCase)
            ? all
            : all.Where(s => s.Crm.Equals(crm, StringComparison.OrdinalIgnoreCase)).ToList();
        if (byCrm.Count == 0) throw new UsageException($"no stores for --crm {crm} in crm-etl.json");
        if (store.Equals("all", StringComparison.OrdinalIgnoreCase)) return byCrm;
        var one = byCrm.Where(s => s.Id.Equals(store, StringComparison.OrdinalIgnoreCase) || s.Code.Equals(store, StringComparison.OrdinalIgnoreCase)).ToList();
        return one.Count > 0
            ? one
            : throw new UsageException($"unknown --store '{store}' for --crm {crm}; known: {string.Join(", ", byCrm.Select(s => s.Id))}");
    }
}
