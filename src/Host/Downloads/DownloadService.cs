using CrmEtl.Abstractions;
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
    /// <summary>Told of each store's windows as they are done (the terminal's progress bars), when set.</summary>
    public IDownloadProgress? Progress { get; init; }

    /// <param name="playwright">The run's Playwright driver (started by the caller while the database was checked).</param>
    public async Task<IReadOnlyList<DownloadOutcome>> RunAsync(IPlaywright playwright, DownloadPlan plan, CancellationToken ct)
    {
        if (plan.Stores.Count == 0) return [];
        Directory.CreateDirectory(config.Download.Folder!);
        if (BrowserReaper.KillOrphans() is > 0 and var orphans) Log.Warn("host", "watchdog.orphans", $"ended {orphans} browser processes left by a dead run");
        using var runLimit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        runLimit.CancelAfter(TimeSpan.FromMinutes(config.Timeouts.RunMinutes));
        using var gate = new SemaphoreSlim(Math.Max(1, plan.Parallel));
        await using var browser = new SharedBrowser(playwright, config.Browser, plan.Headless);
        var runs = plan.Stores.Select(async store =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var outcomes = await StoreAsync(browser, store, plan, runLimit, ct);
                Progress?.StoreEnded($"{store.Crm}/{store.Id}", outcomes.FirstOrDefault(o => !o.IsOk)?.Status);
                return outcomes;
            }
            finally
            {
                gate.Release();
            }
        });
        return (await Task.WhenAll(runs)).SelectMany(r => r).ToList();
    }

    // One store: its lock, its own context of the shared browser (so the watchdog can end it alone), its windows one by one.
    private async Task<List<DownloadOutcome>> StoreAsync(SharedBrowser browser, StoreConfig storeConfig, DownloadPlan plan,
        CancellationTokenSource runLimit, CancellationToken ct)
    {
        var store = storeConfig.ToStore();
        var scope = $"{store.Crm}/{store.Id}";
        var plugin = host.Plugins.Get(store.Crm);
        var reports = Reports(plugin, plan.Report);
        var outcomes = new List<DownloadOutcome>();
        var windows = await WindowsAsync(store, plan, ct);
        // Each window's reports, one after another: the first report not done is where a failure stopped.
        var jobs = windows.SelectMany(w => reports.Select(r => (w.From, w.To, Report: r))).ToList();
        Progress?.Planned(scope, jobs.Count);

        await using var storeLock = await StoreLock.TryAcquireAsync(connectionString, store.Crm, store.Id, ct);
        if (storeLock is null)
        {
            var (from, to) = (windows[0].From, windows[^1].To);
            const string busy = "skipped: another run is downloading this store (running elsewhere)";
            Log.Warn(scope, "download.skipped", busy);
            var skipped = new List<DownloadOutcome>();
            foreach (var report in reports)
            {
                await RecordNotDownloadedAsync(plugin, report, store, from, to, DownloadOutcome.Skipped, "running_elsewhere", busy);
                skipped.Add(new DownloadOutcome(store.Crm, store.Id, report.Name, from, to, CanonicalName(plugin, report, store, from, to),
                    DownloadOutcome.Skipped, "running_elsewhere", busy));
            }
            return skipped;
        }
        Log.Info(scope, "download.start", string.Join(", ", windows.Select(w => $"{w.From:yyyy-MM-dd}..{w.To:yyyy-MM-dd}")));

        using var storeLimit = CancellationTokenSource.CreateLinkedTokenSource(runLimit.Token);
        storeLimit.CancelAfter(TimeSpan.FromMinutes(config.Timeouts.StoreMinutes));
        IBrowserContext? context = null;
        // The watchdog: when the limit passes, the store's context and its pages are closed at once, whatever
        // the flow is waiting for.
        await using var watchdog = storeLimit.Token.Register(() =>
        {
            if (ct.IsCancellationRequested) return;
            Log.Error(scope, "watchdog.timeout", "time limit passed; closing its browser context");
            _ = CloseQuietlyAsync(context, scope);
        });
        var profile = config.ProfilePath(storeConfig);
        try
        {
            if (plugin.Plugin.Portal is not { } portal)
                throw new PortalException(PortalFailure.Changed, "plugin", $"the {plugin.Info.DisplayName} plugin has no portal flow");
            if (!File.Exists(profile))
                throw new PortalException(PortalFailure.SessionExpired, "open session", $"no saved session at {profile}");
            // The watchdog does not rely on the flow noticing: when the limit passes, the store's work is
            // abandoned wherever it waits (its browser is ended above, its transaction dies with it).
            var work = WindowsOfStoreAsync();
            if (await Task.WhenAny(work, Task.Delay(Timeout.Infinite, storeLimit.Token)) != work)
            {
                _ = work.ContinueWith(t => t.Exception, TaskScheduler.Default); // observed, never rethrown
                storeLimit.Token.ThrowIfCancellationRequested();
            }
            await work;

            async Task WindowsOfStoreAsync()
            {
                // Read once: the context is loaded from, and the session saved back over, the same text.
                var saved = await ProfileStore.LoadAsync(profile, config.UrlsFor(store.Crm).Values, scope, storeLimit.Token);
                context = await browser.NewContextAsync(saved, storeLimit.Token);
                var pagesOpened = false;
                context.Page += (_, _) => pagesOpened = true;
                var relogged = false;
                var session = new PortalSession(context, new PortalStore(store.Crm, store.Id, store.Code, store.Name, storeConfig.ExportMode),
                    config.UrlsFor(store.Crm), Timeouts(), message => Log.Info(scope, "portal", message)) { SavedState = saved };

                foreach (var (from, to, report) in jobs)
                {
                    var target = Path.Combine(config.Download.Folder!, CanonicalName(plugin, report, store, from, to));
                    try
                    {
                        await DownloadWithRetriesAsync(portal, session, report, from, to, target, scope, storeLimit.Token);
                    }
                    catch (PortalException e) when (e.Kind == PortalFailure.SessionExpired && !relogged)
                    {
                        relogged = true; // once per store and run: a portal that keeps refusing locks the account
                        // Looked up here, not in the filter: an exception thrown in a filter is swallowed, and a login
                        // file others may read must fail the store naming it.
                        if (StoredLogin.Find(config.LoginPath(storeConfig), store.Crm, store.Id) is not { } login) throw;
                        session = await LogInAgainAsync(portal, session, login, profile, scope, e, storeLimit.Token);
                        await DownloadWithRetriesAsync(portal, session, report, from, to, target, scope, storeLimit.Token);
                    }
                    var outcome = await IngestAsync(plugin, report, store, target, from, to, plan.KeepFiles, storeLimit.Token);
                    storeLimit.Token.ThrowIfCancellationRequested(); // an ingestion cut short by the watchdog is a timeout
                    lock (outcomes) outcomes.Add(outcome);
                    Progress?.WindowDone(scope, outcome.Status);
                }
                await ProfileStore.SaveAsync(context, profile, saved, pagesOpened, ct); // the portal may have refreshed its cookies
            }
        }
        catch (Exception e) when (Classify(e, storeLimit, ct) is { } failure)
        {
            int done;
            lock (outcomes) done = outcomes.Count;
            if (done == jobs.Count)
            {
                // Every window is in and has its outcome; only saving the session back failed (the limit can
                // pass just then). The saved session is left as it was: the next run logs in with it again.
                Log.Warn(scope, "session.not_saved", $"the session was not saved back ({failure.Message})");
                lock (outcomes) return outcomes.ToList();
            }
            var (from, to, report) = jobs[done];
            var message = failure.Kind switch
            {
                "session_expired" => $"{failure.Message}; a person must log in again: {Commands.BootstrapCommand.For(store.Crm, store.Id)}",
                "login_failed" => $"{failure.Message}; fix the stored login ({config.LoginPath(storeConfig)} or the CRMETL_LOGIN_ variables) " +
                                  $"or log in once: {Commands.BootstrapCommand.For(store.Crm, store.Id)}",
                _ => failure.Message,
            };
            Log.Error(scope, "download." + failure.Kind, message);
            await RecordNotDownloadedAsync(plugin, report, store, from, to, "failed", failure.Kind, message);
            lock (outcomes)
                outcomes.Add(new DownloadOutcome(store.Crm, store.Id, report.Name, from, to, CanonicalName(plugin, report, store, from, to),
                    failure.Kind, failure.Kind, message));
        }
        finally
        {
            await CloseQuietlyAsync(context, scope);
        }
        lock (outcomes) return outcomes.ToList(); // an abandoned flow may still be running: hand over a copy
    }

    // The SRS's auto re-auth: the portal still trusts this device, so the stored login needs no OTP. Its new session is
    // saved at once; a refused login is remembered and not tried again until it changes.
    private static async Task<PortalSession> LogInAgainAsync(IPortal portal, PortalSession session, StoredLogin login, string profile, string scope,
        PortalException expired, CancellationToken ct)
    {
        if (login.RefusedBefore)
            throw new PortalException(PortalFailure.LoginFailed, "login",
                $"the session has expired, and the stored login ({login.Source}) was refused by the portal before and has not changed since: not tried again");
        Log.Warn(scope, "session.relogin", $"{expired.Message}; logging in again with the stored login ({login.Source})");
        try
        {
            await portal.LoginAsync(session, login.Credentials(), ct);
        }
        catch (PortalException e) when (e.Kind == PortalFailure.LoginFailed)
        {
            login.MarkRefused();
            throw;
        }
        login.ClearRefused();
        Log.Info(scope, "session.relogin", $"logged in; closing {session.Context.Pages.Count} pages");
        foreach (var page in session.Context.Pages.ToList()) await page.CloseAsync();
        Log.Info(scope, "session.relogin", "pages closed; saving the session");
        await ProfileStore.SaveAsync(session.Context, profile, ct);
        Log.Info(scope, "session.renewed", $"logged in again without a person; the new session is saved to {profile}");
        return session with { SavedState = await File.ReadAllTextAsync(profile, ct) };
    }

    private static async Task CloseQuietlyAsync(IBrowserContext? context, string scope)
    {
        if (context is null) return;
        try
        {
            await context.CloseAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException or IOException)
        {
            Log.Debug(scope, "browser.closed", e.Message); // closed by the watchdog, or the browser died; the run's end reaps it
        }
    }

    // Never throws: when the database itself is what failed, the log is the record.
    private async Task RecordNotDownloadedAsync(LoadedPlugin plugin, Dataset report, Store store, DateOnly from, DateOnly to,
        string status, string kind, string message)
    {
        try
        {
            await using var conn = new NpgsqlConnection(connectionString);
            await conn.OpenAsync(CancellationToken.None);
            await DownloadLedger.NotDownloadedAsync(conn, null, host.InvocationId, store, report.Name, CanonicalName(plugin, report, store, from, to),
                from, to, status, kind, message, CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            var target = Path.Combine(config.Download.Folder!, CanonicalName(plugin, report, store, from, to));
            PendingRecords.Save(host.Paths.Home, new PendingRecords.Failure(host.InvocationId, store.Crm, report.Name, store.Id, store.Code, store.CostCenter,
                target, from, to, null, null, null, message, "download", DateTimeOffset.UtcNow, Downloaded: false, Status: status, Kind: kind));
            Log.Warn($"{store.Crm}/{store.Id}", "record.pending",
                $"the database is away: '{status}' is kept in {Path.Combine(host.Paths.Home, "pending")} and recorded by the next command that reaches it");
        }
    }

    private async Task DownloadWithRetriesAsync(IPortal portal, PortalSession session, Dataset report, DateOnly from, DateOnly to,
        string target, string scope, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await portal.DownloadAsync(session, report, from, to, target, ct);
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

    private async Task<DownloadOutcome> IngestAsync(LoadedPlugin plugin, Dataset report, Store store, string file, DateOnly from, DateOnly to,
        bool keep, CancellationToken ct)
    {
        long ledgerId;
        await using (var conn = new NpgsqlConnection(connectionString))
        {
            await conn.OpenAsync(ct);
            ledgerId = await DownloadLedger.DownloadedAsync(conn, host.InvocationId, store, report.Name, file, from, to, ct);
        }
        var request = new IngestRequest(plugin, report, store, file, from, to, host.InvocationId, LedgerId: ledgerId);
        var outcome = await new IngestService(connectionString, host.Paths).IngestAsync(request, ct);
        if (outcome.IsOk && !keep) File.Delete(file);
        return DownloadOutcome.Ingested(store, report.Name, from, to, outcome);
    }

    // The reports a store's portal gives: every downloadable dataset of the plugin, or the one asked for.
    private static IReadOnlyList<Dataset> Reports(LoadedPlugin plugin, string? only)
    {
        var downloadable = plugin.FileDatasets.Where(d => d.ReportType is not null).ToList();
        return only is null ? downloadable : [plugin.Dataset(only)];
    }

    private async Task<IReadOnlyList<(DateOnly From, DateOnly To)>> WindowsAsync(Store store, DownloadPlan plan, CancellationToken ct)
    {
        var from = plan.From;
        if (from is null)
        {
            await using var conn = new NpgsqlConnection(connectionString);
            await conn.OpenAsync(ct);
            var last = await AuditRecorder.LastCoveredDayAsync(conn, store.Crm, store.Id, ct);
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
    public static string CanonicalName(LoadedPlugin plugin, Dataset report, Store store, DateOnly from, DateOnly to) =>
        $"{plugin.Info.SourceSystem}_{report.ReportType ?? report.Name}_{store.FileName}_{from:yyyy-MM-dd}_to_{to:yyyy-MM-dd}.xlsx";

    private static bool IsTransient(Exception e) =>
        e is PortalException { Kind: PortalFailure.Unavailable } or TimeoutException or PlaywrightException;

    private static (string Kind, string Message)? Classify(Exception e, CancellationTokenSource storeLimit, CancellationToken run) => e switch
    {
        PortalException p => (p.KindName, p.Message),
        _ when storeLimit.IsCancellationRequested && !run.IsCancellationRequested =>
            ("timeout", "the time limit passed before the store finished; its browser was ended and its batch rolled back"),
        OperationCanceledException => null,
        TimeoutException or PlaywrightException => ("portal_unavailable", e.Message.Split('\n')[0]),
        _ when Database.Outage.Is(e) => ("failed", $"the database is unavailable ({Database.Outage.Describe(e)}); the downloaded file is kept for the next run"),
        _ => ("failed", $"{e.GetType().Name}: {e.Message}"),
    };
}
