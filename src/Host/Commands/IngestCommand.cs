using CrmEtl.Abstractions;
using CrmEtl.Host.Cli;
using CrmEtl.Host.Ingestion;
using CrmEtl.Host.Plugins;
using Npgsql;

namespace CrmEtl.Host.Commands;

internal static class IngestCommand
{
    public static async Task<int> RunAsync(HostContext host, IngestOptions options, CancellationToken ct)
    {
        var plugin = host.Plugins.Get(options.Crm);
        var dataset = options.Report is { } report ? plugin.Dataset(report) : DatasetFor(plugin, options.File);
        if (dataset.Api is not null) throw new UsageException($"'{dataset.Name}' of --crm {plugin.Info.Crm} is pulled from its API: ./crm-etl pull --crm {plugin.Info.Crm}");
        if (plugin.Info.HasStores && options.Store is null) throw new UsageException($"--crm {plugin.Info.Crm} needs --store (the store the file is from)");
        if (!plugin.Info.HasStores && options.Store is not null) throw new UsageException($"--crm {plugin.Info.Crm} has no stores: leave out --store");
        if (options.MaxRejects < 0) throw new UsageException("--max-rejects must be 0 or more");
        // A path that is no file is a wrong command line, not a failed run: nothing is recorded for it.
        if (Directory.Exists(options.File)) throw new UsageException($"--file {options.File} is a folder, not a file");
        if (!File.Exists(options.File)) throw new UsageException($"--file {options.File}: no such file");
        var (from, to) = CliDates.Window(options.From, options.To);
        if (from is null && to is null && CanonicalWindow(options.File) is var (first, last)) (from, to) = (first, last);
        var connectionString = await host.DatabaseAsync(ct);
        Store? store = null;
        if (options.Store is { } id)
        {
            await using var conn = new NpgsqlConnection(connectionString);
            await conn.OpenAsync(ct);
            store = await StoreDirectory.ResolveAsync(conn, plugin.Info.Crm, id, ct);
        }

        var outcome = await TerminalProgress.RunAsync(options.Json, progress =>
        {
            var request = new IngestRequest(plugin, dataset, store, options.File, from, to, host.InvocationId, options.DryRun,
                MaxRejects: options.MaxRejects, Progress: progress?.Load($"{plugin.Info.Crm} {Path.GetFileName(options.File)}"));
            return new IngestService(connectionString, host.Paths).IngestAsync(request, ct);
        });
        RunReport.Print([outcome], options.Json);
        return outcome.IsFailure ? 1 : 0;
    }

    // A canonical name (TD_OrderReport_UttamNagar_2025-11-12_to_2025-11-12.xlsx) says the window the file covers.
    private static (DateOnly, DateOnly)? CanonicalWindow(string file)
    {
        var match = System.Text.RegularExpressions.Regex.Match(Path.GetFileName(file), @"_(\d{4}-\d{2}-\d{2})_to_(\d{4}-\d{2}-\d{2})\.[A-Za-z]+$");
        if (!match.Success) return null;
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        return DateOnly.TryParseExact(match.Groups[1].Value, "yyyy-MM-dd", culture, System.Globalization.DateTimeStyles.None, out var from) &&
               DateOnly.TryParseExact(match.Groups[2].Value, "yyyy-MM-dd", culture, System.Globalization.DateTimeStyles.None, out var to) && from <= to
            ? (from, to)
            : null;
    }

    // The report a file is: the one whose report type its canonical name carries, else the plugin's first (its main
    // report: a file of another is refused by its header, naming the columns it lacks).
    private static Dataset DatasetFor(LoadedPlugin plugin, string file)
    {
        var datasets = plugin.FileDatasets.ToList();
        if (datasets.Count == 0) throw new UsageException($"--crm {plugin.Info.Crm} reads no files");
        var name = Path.GetFileName(file);
        var named = datasets.Where(d => d.ReportType is { } type && name.Contains($"_{type}_", StringComparison.OrdinalIgnoreCase)).ToList();
        return named.Count == 1 ? named[0] : datasets[0];
    }
}
