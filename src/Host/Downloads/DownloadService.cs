using CrmEtl.Abstractions.Portals;
using CrmEtl.Host.Browser;
using CrmEtl.Host.Cli;
using CrmEtl.Host.Config;
using CrmEtl.Host.Ingestion;
using CrmEtl.Host.Logging;
using CrmEtl.Host.Plugins;
using Microsoft.Playwright;
using Npgsql;

namespace CrmEtl.Host.Downloads;

/// <summary>
/// For each store: plan its windows, open its saved session in a context of one shared browser, download each
/// window under its canonical name, record it in download_ledger, ingest it, and delete it unless asked to keep
/// it (a file that failed ingestion is always kept). A store's failure is recorded and never stops the others.
/// </summary>
internal sealed class DownloadService(HostContext host, CrmEtlConfig config, string connectionString)
{
    public async Task<IReadOnlyList<IngestOutcome>> RunAsync(DownloadPlan plan, CancellationToken ct)
    {
        if (plan.Stores.Count == 0) return [];
        Directory.CreateDirectory(config.Download.Folder!);
        await using var browser = await BrowserHost.LaunchAsync(config.Browser, plan.Headless, ct);
        using var gate = new SemaphoreSlim(Math.Max(1, plan.Parallel));
        var runs = plan.Stores.Select(async store =>
        {
            await gate.WaitAsync(ct);
            try
            {
                return await StoreAsync(browser, store, plan, ct);
            }
            finally
            {
                gate.Release();
            }
        });
        return (await Task.WhenAll(runs)).SelectMany(r => r).ToList();
    }

    private async Task<List<IngestOutcome>> StoreAsync(BrowserHost browser, StoreConfig storeConfig, DownloadPlan plan, CancellationToken ct)
    {
        var store = storeConfig.ToStore();
        var scope = $"{store.Crm}/{store.Id}";
        var plugin = host.Plugins.Get(store.Crm);
        var outcomes = new List<IngestOutcome>();
        var windows = await WindowsAsync(store, plan, ct);
        Log.Info(scope, "download.start", string.Join(", ", windows.Select(w => $"{w.From:yyyy-MM-dd}..{w.To:yyyy-MM-dd}")));

        using var storeLimit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        storeLimit.CancelAfter(TimeSpan.FromMinutes(config.Timeouts.StoreMinutes));
        var profile = config.ProfilePath(storeConfig);
        IBrowserContext? context = null;
        try
        {
            if (plugin.Plugin.Portal is not { } portal)
                throw new PortalException(PortalFailure.Changed, "plugin", $"the {plugin.Info.DisplayName} plugin has no portal flow");
            if (!File.Exists(profile))
                throw new PortalException(PortalFailure.SessionExpired, "open session", $"no saved session at {profile}");
            context = await browser.NewContextAsync(profile);
            var session = new PortalSession(context, new PortalStore(store.Crm, store.Id, store.Code, store.Name, storeConfig.ExportMode),
                config.UrlsFor(store.Crm), Timeouts(), message => Log.Info(scope, "portal", message));

            foreach (var (from, to) in windows)
            {
                var target = Path.Combine(config.Download.Folder!, CanonicalName(plugin, store, from, to));
                await DownloadWithRetriesAsync(portal, session, from, to, target, scope, storeLimit.Token);
                outcomes.Add(await IngestAsync(plugin, store, target, from, to, plan.KeepFiles, storeLimit.Token));
            }
            await ProfileStore.SaveAsync(context, profile, ct); // the portal may have refreshed its cookies
        }
        catch (Exception e) when (Classify(e, storeLimit, ct) is { } failure)
        {
            var (from, to) = windows[Math.Min(outcomes.Count, windows.Count - 1)];
            var message = failure.Kind == "session_expired"
                ? $"{failure.Message}; a person must log in again: ./crm-etl bootstrap --crm {store.Crm} --store {store.Id}"
                : failure.Message;
            Log.Error(scope, "download." + failure.Kind, message);
            await using (var conn = new NpgsqlConnection(connectionString))
            {
                await conn.OpenAsync(CancellationToken.None);
                await RunRecorder.NotDownloadedAsync(conn, host.InvocationId, store, CanonicalName(plugin, store, from, to),
                    from, to, "failed", failure.Kind, message, CancellationToken.None);
            }
            outcomes.Add(new IngestOutcome(store.Crm, store.Id, CanonicalName(plugin, store, from, to), null, failure.Kind, Error: message)
                { From = from, To = to, FailureKind = failure.Kind });
        }
        finally
        {
            if (context is not null) await context.CloseAsync();
        }
        return outcomes;
    }

    private async Task DownloadWithRetriesAsync(IPortal portal, PortalSession session, DateOnly from, DateOnly to, string target, string scope, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await portal.DownloadAsync(session, from, to, target, ct);
                Log.Info(scope, "download.saved", $"{Path.GetFileName(target)} ({new FileInfo(target).Length} bytes)");
                return;
            }
            catch (Exception e) when (attempt < config.Download.Attempts && IsTransient(e) && !ct.IsCancellationRequested)
            {
                var wait = TimeSpan.FromSeconds(config.Download.RetryBackoffSeconds * Math.Pow(2, attempt - 1));
                Log.Warn(scope, "download.retry", $"attempt {attempt} of {config.Download.Attempts} failed ({e.Message}); retrying in {wait.TotalSeconds:0.#} s");
                await Task.Delay(wait, ct);
            }
        }
    }

    private async Task<IngestOutcome> IngestAsync(LoadedPlugin plugin, Store store, string file, DateOnly from, DateOnly to, bool keep, CancellationToken ct)
    {
        long ledgerId;
        await using (var conn = new NpgsqlConnection(connectionString))
        {
            await conn.OpenAsync(ct);
            ledgerId = await RunRecorder.DownloadedAsync(conn, host.InvocationId, store, file, from, to, await FileHash.Md5Async(file, ct), ct);
        }
        var request = new IngestRequest(plugin, store, file, from, to, host.InvocationId, LedgerId: ledgerId);
        var outcome = await new IngestService(connectionString, host.Transforms).IngestAsync(request, ct);
        if (outcome.IsFailure) return outcome with { FailureKind = "ingest_failed" };
        if (!keep) File.Delete(file);
        return outcome;
    }

    private async Task<IReadOnlyList<(DateOnly From, DateOnly To)>> WindowsAsync(Store store, DownloadPlan plan, CancellationToken ct)
    {
        var from = plan.From;
        if (from is null)
        {
            await using var conn = new NpgsqlConnection(connectionString);
            await conn.OpenAsync(ct);
            var last = await RunRecorder.LastCoveredDayAsync(conn, store.Crm, store.Id, ct);
            from = WindowPlanner.AutoFrom(last, plan.To, config.Download.OverlapDays, config.Download.FirstRunDays);
        }
        return WindowPlanner.Chunks(from.Value, plan.To, config.Download.MaxDaysPerRequest);
    }

    private PortalTimeouts Timeouts() => new()
    {
        Navigation = TimeSpan.FromSeconds(config.Timeouts.NavigationSeconds),
        Report = TimeSpan.FromSeconds(config.Timeouts.ReportSeconds),
        Login = TimeSpan.FromMinutes(config.Timeouts.LoginMinutes),
    };

    /// <summary>TD_OrderReport_UttamNagar_2025-11-12_to_2025-11-12.xlsx</summary>
    public static string CanonicalName(LoadedPlugin plugin, Store store, DateOnly from, DateOnly to) =>
        $"{plugin.Info.SourceSystem}_{plugin.Info.ReportType}_{store.FileName}_{from:yyyy-MM-dd}_to_{to:yyyy-MM-dd}.xlsx";

    private static bool IsTransient(Exception e) =>
        e is PortalException { Kind: PortalFailure.Unavailable } or TimeoutException or PlaywrightException;

    private static (string Kind, string Message)? Classify(Exception e, CancellationTokenSource storeLimit, CancellationToken run) => e switch
    {
        PortalException p => (p.KindName, p.Message),
        OperationCanceledException when storeLimit.IsCancellationRequested && !run.IsCancellationRequested =>
            ("timeout", "the store's time limit passed before its download finished"),
        OperationCanceledException => null,
        TimeoutException or PlaywrightException => ("portal_unavailable", e.Message.Split('\n')[0]),
        _ => ("failed", $"{e.GetType().Name}: {e.Message}"),
    };
}
