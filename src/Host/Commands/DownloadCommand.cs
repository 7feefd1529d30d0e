using CrmEtl.Host.Cli;
using CrmEtl.Host.Config;
using CrmEtl.Host.Downloads;

namespace CrmEtl.Host.Commands;

internal static class DownloadCommand
{
    public static async Task<int> RunAsync(HostContext host, DownloadOptions options, CancellationToken ct)
    {
        if (options.Headless && options.Headed) throw new UsageException("give --headless or --headed, not both");
        if (options.Parallel < 1) throw new UsageException("--parallel must be 1 or more");
        var stores = Select(host.Config, options.Crm, options.Store);
        var to = CliDates.Parse(options.To, "--to") ?? CliDates.TodayInIndia();
        var from = options.From.Equals("auto", StringComparison.OrdinalIgnoreCase) ? null : CliDates.Parse(options.From, "--from");
        if (from > to) throw new UsageException($"--from {from:yyyy-MM-dd} is after --to {to:yyyy-MM-dd}");
        var headless = options.Headed ? false : options.Headless || host.Config.Browser.Headless;

        var connectionString = await host.DatabaseAsync(ct);
        var plan = new DownloadPlan(stores, from, to, headless, options.KeepFiles, options.Parallel);
        var outcomes = await new DownloadService(host, host.Config, connectionString).RunAsync(plan, ct);
        RunReport.Print(outcomes, options.Json, withWindow: true);
        await new Alerts.AlertService(host.Config, connectionString, host.InvocationId).NotifyAsync(outcomes, ct);
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
