using System.Text.Json;
using CrmEtl.Fixtures;
using CrmEtl.Sandbox;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Portals;

/// <summary>`download` with real Chromium against the sandbox portals, read back from ledger, audit and orders.</summary>
[Collection("portals")]
public sealed class DownloadTests : IAsyncLifetime
{
    private static readonly DateOnly Day = PortalFixture.Today;
    private readonly PortalFixture _portals;
    private string _db = "";
    private string _downloads = "";
    private HostProcess _host = null!;

    public DownloadTests(PortalFixture portals) => _portals = portals;

    public async Task InitializeAsync()
    {
        _portals.ResetKnobs();
        _db = await TestCluster.CreateMigratedDatabaseAsync("dl");
        _downloads = Repo.TempDir("downloads");
        _host = new HostProcess(_db);
        _host.Environment["CRMETL_CONFIG"] = _portals.ConfigPath;
        _host.Environment["CRMETL_Download__Folder"] = _downloads;
    }

    public Task DisposeAsync()
    {
        _portals.ResetKnobs();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task All_four_stores_download_and_ingest_with_both_UClean_export_modes_and_both_TumbleDry_reports()
    {
        var (result, runs) = await DownloadAsync(all: true, "--from", Day.AddDays(-2).ToString("yyyy-MM-dd"), "--to", Day.ToString("yyyy-MM-dd"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["a668/orders", "a668/payments", "a817/orders", "a817/payments", "sector56/orders", "sushantlok1/orders"],
            runs.Select(r => r.GetProperty("store").GetString() + "/" + r.GetProperty("dataset").GetString()));
        Assert.All(runs, r => Assert.Equal("succeeded", r.GetProperty("status").GetString()));
        Assert.Equal("TD_OrderReport_UttamNagar_2025-11-10_to_2025-11-12.xlsx", Path.GetFileName(runs[0].GetProperty("file").GetString()));
        Assert.Equal("TD_SalesReport_UttamNagar_2025-11-10_to_2025-11-12.xlsx", Path.GetFileName(runs[1].GetProperty("file").GetString()));
        Assert.Equal("UC_GST_SushantLok_2025-11-10_to_2025-11-12.xlsx", Path.GetFileName(runs[5].GetProperty("file").GetString()));

        // The payments of the window: in order_payments, and summed per mode on their orders.
        var payments = Days(Day.AddDays(-2), Day).SelectMany(d => TdSalesReport.Payments("a668", d, d == Day ? PortalFixture.Now : null)).ToList();
        Assert.Equal(payments.Count, await Db.ScalarAsync<long>(_db, "select count(*) from order_payments where cost_center = 'UN3668'"));
        Assert.Equal(payments.Sum(p => p.Received), await Db.ScalarAsync<decimal>(_db, "select sum(amount) from order_payments where cost_center = 'UN3668'"));
        Assert.Equal(payments.Where(p => p.Order.OrderTime >= Day.AddDays(-2).ToDateTime(TimeOnly.MinValue)).Sum(p => p.Received),
            await Db.ScalarAsync<decimal>(_db, "select coalesce(sum(s.value::numeric), 0) from orders o, jsonb_each_text(o.payment_mode_summary) s where o.cost_center = 'UN3668'"));
        Assert.True(_portals.Sandbox.State.Hits.GetValueOrDefault("a668:sales-report") > 0);
        Assert.Equal("2025-11-10", runs[0].GetProperty("from").GetString());

        var td = Td("a668", Day.AddDays(-2), Day);
        var uc = Uc("UC610", Day.AddDays(-2), Day);
        Assert.Equal(td.Count, await Db.ScalarAsync<long>(_db, "select count(*) from orders where cost_center = 'UN3668'"));
        Assert.Equal(td.Sum(o => o.Net), await Db.ScalarAsync<decimal>(_db, "select sum(net_amount) from orders where cost_center = 'UN3668'"));
        Assert.Equal(uc.Sum(x => x.Total), await Db.ScalarAsync<decimal>(_db, "select sum(net_amount) from orders where cost_center = 'SL1610'"));
        Assert.Equal(Uc("UC567", Day.AddDays(-2), Day).Count, await Db.ScalarAsync<long>(_db, "select count(*) from orders where cost_center = 'SC3567'"));
        Assert.Equal(6, await Db.ScalarAsync<long>(_db, "select count(*) from download_ledger where status = 'downloaded' and origin = 'download' and md5_hash is not null"));
        Assert.Empty(Directory.GetFiles(_downloads));
        Assert.True(_portals.Sandbox.State.Hits.GetValueOrDefault("UC610:generateGST") > 0);
        Assert.True(_portals.Sandbox.State.Hits.GetValueOrDefault("UC567:export-report") > 0);
    }

    [Fact]
    public async Task A_backfill_on_a_terminal_shows_each_stores_windows_done_and_none_of_it_into_a_pipe()
    {
        // 16 days at download.maxDaysPerRequest 7: three windows, shown as they are done
        var shown = Path.Combine(Repo.TempDir("terminal"), "download.txt");
        var onTerminal = await _host.RunAsync("--script-terminal", shown, "download", "--crm", "td", "--store", "a668", "--report", "orders",
            "--from", Day.AddDays(-15).ToString("yyyy-MM-dd"), "--to", Day.ToString("yyyy-MM-dd"));
        Assert.True(onTerminal.ExitCode == 0, onTerminal.ToString());
        var terminal = await File.ReadAllTextAsync(shown);
        Assert.Contains("td/a668: 0 of 3 windows", terminal);
        Assert.Contains("td/a668: 3 of 3 windows (succeeded)", terminal);
        Assert.Equal(3, await Db.ScalarAsync<long>(_db, "select count(*) from ingest_audit where status = 'succeeded'"));

        var (piped, runs) = await DownloadAsync("--crm", "td", "--store", "a668", "--from", Day.AddDays(-15).ToString("yyyy-MM-dd"), "--to", Day.ToString("yyyy-MM-dd"));
        Assert.True(piped.ExitCode == 0, piped.ToString());
        Assert.Equal(3, runs.Count);
        Assert.DoesNotContain("windows", piped.Stderr);
        Assert.False((piped.Stderr + piped.Stdout).Contains("\u001b["), piped.ToString());
    }

    [Fact]
    public async Task Keep_files_keeps_them_under_their_canonical_names()
    {
        var (result, _) = await DownloadAsync("--crm", "td", "--store", "a817", "--from", "2025-11-11", "--to", "2025-11-11", "--keep-files");
        Assert.True(result.ExitCode == 0, result.ToString());
        var file = Path.Combine(_downloads, "TD_OrderReport_KirtiNagar_2025-11-11_to_2025-11-11.xlsx");
        Assert.True(File.Exists(file));
        Assert.Equal(await Db.ScalarAsync<string>(_db, "select md5_hash from download_ledger"), Files.Md5(file));
    }

    [Fact]
    public async Task An_expired_session_fails_that_store_only_and_says_how_to_fix_it()
    {
        _portals.Sandbox.State.Expire("a668");
        try
        {
            var (result, runs) = await DownloadAsync("--from", "2025-11-12", "--to", "2025-11-12", "--parallel", "4");

            Assert.Equal(1, result.ExitCode);
            var a668 = runs.Single(r => r.GetProperty("store").GetString() == "a668");
            Assert.Equal("session_expired", a668.GetProperty("status").GetString());
            Assert.Equal("session_expired", a668.GetProperty("failure_kind").GetString());
            Assert.Contains("./crm-etl bootstrap --crm td --store a668", a668.GetProperty("error").GetString());
            Assert.All(runs.Where(r => r.GetProperty("store").GetString() != "a668"), r => Assert.Equal("succeeded", r.GetProperty("status").GetString()));
            Assert.Equal(["failed", "session_expired"], (await Db.RowsAsync(_db, "select status, failure_kind from download_ledger where store = 'a668'")).Single());
            Assert.Equal(0, await Db.ScalarAsync<long>(_db, "select count(*) from orders where cost_center = 'UN3668'"));
        }
        finally
        {
            await _portals.BootstrapAsync(_host, SandboxAccount.All[0], headless: true);
        }
    }

    [Theory]
    [InlineData(1)] // td a817
    [InlineData(2)] // uc sector56
    public async Task An_expired_session_is_renewed_with_the_stored_login_without_a_person_and_saved(int which)
    {
        var account = SandboxAccount.All[which];
        var login = StoreLogin(account, account.Password);
        var logins = Logins(account);
        _portals.Sandbox.State.Expire(account.StoreCode);
        try
        {
            var (result, runs) = await DownloadAsync("--crm", account.Crm, "--store", account.StoreId, "--from", "2025-11-12", "--to", "2025-11-12");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal("succeeded", Assert.Single(runs).GetProperty("status").GetString());
            Assert.Equal(logins + 1, Logins(account));
            Assert.Contains("[session.relogin]", result.Stderr);
            Assert.Contains("[session.renewed]", result.Stderr);
            Assert.False((result.Stdout + result.Stderr).Contains(account.Password), "the password reached the output");
            Assert.True(await Db.ScalarAsync<long>(_db, "select count(*) from orders") > 0);

            // The renewed session was saved: the next run uses it and logs in no more.
            var (again, _) = await DownloadAsync("--crm", account.Crm, "--store", account.StoreId, "--from", "2025-11-11", "--to", "2025-11-11");
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Equal(logins + 1, Logins(account));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_portals.ProfilesDir, $"{account.Crm}_{account.StoreId}.json")));
        }
        finally
        {
            File.Delete(login);
            await _portals.BootstrapAsync(_host, account, headless: true); // a renewal cut short leaves the store logged out
        }
    }

    [Fact]
    public async Task A_wrong_stored_password_is_login_failed_alerted_once_and_never_tried_again_until_it_changes()
    {
        var account = SandboxAccount.All[3]; // uc sushantlok1
        var login = StoreLogin(account, "not-the-password");
        var logins = Logins(account);
        _portals.Sandbox.State.Expire(account.StoreCode);
        try
        {
            var (first, runs) = await DownloadAsync("--crm", "uc", "--store", account.StoreId, "--from", "2025-11-12", "--to", "2025-11-12");
            Assert.Equal(1, first.ExitCode);
            var run = Assert.Single(runs);
            Assert.Equal("login_failed", run.GetProperty("failure_kind").GetString());
            Assert.Contains("./crm-etl bootstrap --crm uc --store sushantlok1", run.GetProperty("error").GetString());
            Assert.Equal(["failed", "login_failed"], (await Db.RowsAsync(_db, "select status, failure_kind from download_ledger where store = 'sushantlok1'")).Single());
            Assert.Equal(logins + 1, Logins(account));

            var (second, again) = await DownloadAsync("--crm", "uc", "--store", account.StoreId, "--from", "2025-11-12", "--to", "2025-11-12");
            Assert.Equal(1, second.ExitCode);
            Assert.Equal("login_failed", Assert.Single(again).GetProperty("failure_kind").GetString());
            Assert.Contains("not tried again", Assert.Single(again).GetProperty("error").GetString());
            Assert.Equal(logins + 1, Logins(account)); // the portal saw one wrong password, not two
            Assert.False((first.Stderr + second.Stderr).Contains("not-the-password"), "the password reached the log");
        }
        finally
        {
            File.Delete(login);
            File.Delete(Path.ChangeExtension(login, ".refused"));
            await _portals.BootstrapAsync(_host, account, headless: true);
        }
    }

    [Fact]
    public async Task A_portal_that_no_longer_trusts_the_device_asks_for_an_OTP_and_the_store_stops_as_session_expired()
    {
        var account = SandboxAccount.All[0]; // td a668
        var login = StoreLogin(account, account.Password);
        // A device the portal forgot: the saved session without its device cookie.
        var profile = Path.Combine(_portals.ProfilesDir, "td_a668.json");
        var state = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(profile))!;
        var cookies = state["cookies"]!.AsArray();
        foreach (var device in cookies.Where(c => c!["name"]!.GetValue<string>() == "qdc_device").ToList()) cookies.Remove(device);
        await File.WriteAllTextAsync(profile, state.ToJsonString());
        _portals.Sandbox.State.Expire(account.StoreCode);
        try
        {
            var (result, runs) = await DownloadAsync("--crm", "td", "--store", "a668", "--from", "2025-11-12", "--to", "2025-11-12");
            Assert.Equal(1, result.ExitCode);
            var run = Assert.Single(runs);
            Assert.Equal("session_expired", run.GetProperty("failure_kind").GetString());
            Assert.Contains("asks for an OTP", run.GetProperty("error").GetString());
            Assert.Contains("./crm-etl bootstrap --crm td --store a668", run.GetProperty("error").GetString());
            Assert.False(File.Exists(Path.ChangeExtension(login, ".refused")), "an OTP page is no refused password");
        }
        finally
        {
            File.Delete(login);
            await _portals.BootstrapAsync(_host, account, headless: true);
        }
    }

    // The store's stored login beside its session, as an operator keeps it (mode 0600).
    private string StoreLogin(SandboxAccount account, string password)
    {
        var path = Path.Combine(_portals.ProfilesDir, $"{account.Crm}_{account.StoreId}.login.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { user = account.User, password, pin = account.Crm == "td" ? account.StoreCode : null }));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    private int Logins(SandboxAccount account) => _portals.Sandbox.State.Hits.GetValueOrDefault($"{account.StoreCode}:login");

    [Fact]
    public async Task A_closable_popup_is_closed_and_a_sticky_one_is_reported_as_blocked()
    {
        _portals.Sandbox.Knobs.Popup = "closable";
        var (closable, _) = await DownloadAsync("--crm", "td", "--store", "a668", "--from", "2025-11-12", "--to", "2025-11-12");
        _portals.Sandbox.Knobs.Popup = "sticky";
        var (sticky, runs) = await DownloadAsync("--crm", "td", "--store", "a668", "--from", "2025-11-11", "--to", "2025-11-11");

        Assert.True(closable.ExitCode == 0, closable.ToString());
        Assert.Equal(1, sticky.ExitCode);
        Assert.Equal("blocked", runs.Single().GetProperty("status").GetString());
        Assert.Contains("#pnlOrderOverDuePopup", runs.Single().GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_report_that_takes_longer_than_ten_seconds_still_arrives()
    {
        _portals.Sandbox.Knobs.ReportDelaySeconds = 11;
        var (result, runs) = await DownloadAsync("--crm", "td", "--store", "a817", "--from", "2025-11-12", "--to", "2025-11-12");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Td("a817", Day, Day).Count, runs.Single().GetProperty("inserted").GetInt64());
    }

    [Fact]
    public async Task Server_errors_are_retried_then_reported_as_portal_unavailable()
    {
        _portals.Sandbox.Knobs.FailNext = 2;
        var (recovered, _) = await DownloadAsync("--crm", "uc", "--store", "sector56", "--from", "2025-11-12", "--to", "2025-11-12");
        _portals.Sandbox.Knobs.FailNext = 10;
        var (failed, runs) = await DownloadAsync("--crm", "td", "--store", "a668", "--from", "2025-11-12", "--to", "2025-11-12");

        Assert.True(recovered.ExitCode == 0, recovered.ToString());
        Assert.Contains("[download.retry]", recovered.Stderr);
        Assert.Equal(1, failed.ExitCode);
        Assert.Equal("portal_unavailable", runs.Single().GetProperty("status").GetString());
        Assert.Equal(7, _portals.Sandbox.Knobs.FailNext); // three attempts, no more
    }

    [Fact]
    public async Task With_a_third_of_the_requests_failing_the_retries_still_bring_every_file()
    {
        // The sandbox draws failures from a seeded sequence that only this test uses: the outcome is fixed as
        // long as the stores draw in a fixed order, so one at a time.
        _portals.Sandbox.Knobs.FailRate = 0.3;
        var (result, runs) = await DownloadAsync("--crm", "uc", "--from", "2025-11-12", "--to", "2025-11-12", "--parallel", "1");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.All(runs, r => Assert.Equal("succeeded", r.GetProperty("status").GetString()));
        Assert.Contains("[download.retry]", result.Stderr);
    }

    [Fact]
    public async Task A_login_page_instead_of_the_file_is_never_ingested()
    {
        _portals.Sandbox.Knobs.HtmlInsteadOfFile = true;
        var (result, runs) = await DownloadAsync("--from", "2025-11-12", "--to", "2025-11-12", "--keep-files");

        Assert.Equal(1, result.ExitCode);
        Assert.All(runs, r => Assert.Equal("session_expired", r.GetProperty("status").GetString()));
        Assert.Equal(0, await Db.ScalarAsync<long>(_db, "select count(*) from ingest_audit"));
        Assert.Equal(0, await Db.ScalarAsync<long>(_db, "select count(*) from orders"));
        Assert.Empty(Directory.GetFiles(_downloads));
    }

    [Theory]
    [InlineData("truncated", "damaged or truncated")]
    [InlineData("renamed", "'Order No.'")]
    public async Task A_bad_file_fails_ingestion_and_is_kept_for_retry(string knob, string expected)
    {
        if (knob == "truncated") _portals.Sandbox.Knobs.TruncatedFile = true;
        else _portals.Sandbox.Knobs.RenamedColumn = "Order No.";
        _portals.Sandbox.Knobs.OnlyStore = "a668";

        var (result, runs) = await DownloadAsync("--crm", "td", "--from", "2025-11-12", "--to", "2025-11-12");

        Assert.Equal(1, result.ExitCode);
        var bad = runs.Single(r => r.GetProperty("store").GetString() == "a668");
        Assert.Equal("failed", bad.GetProperty("status").GetString());
        Assert.Equal("ingest_failed", bad.GetProperty("failure_kind").GetString());
        Assert.Contains(expected, bad.GetProperty("error").GetString());
        Assert.True(File.Exists(bad.GetProperty("file").GetString()));
        Assert.Equal("succeeded", runs.Single(r => r.GetProperty("store").GetString() == "a817").GetProperty("status").GetString());
        Assert.Equal(["failed", "bad_file"], (await Db.RowsAsync(_db, "select status, failure_kind from download_ledger where store = 'a668'")).Single());
    }

    [Fact]
    public async Task A_day_without_orders_is_no_data_and_exits_0()
    {
        _portals.Sandbox.Knobs.EmptyDays = [new DateOnly(2025, 11, 9)];
        var (result, runs) = await DownloadAsync("--crm", "uc", "--from", "2025-11-09", "--to", "2025-11-09");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.All(runs, r => Assert.Equal("no_data", r.GetProperty("status").GetString()));
        Assert.Equal(2, await Db.ScalarAsync<long>(_db, "select count(*) from ingest_audit where status = 'no_data' and to_date = '2025-11-09'"));
    }

    [Fact]
    public async Task Auto_windows_start_from_history_and_a_later_run_the_same_day_updates_without_duplicating()
    {
        _portals.Sandbox.Knobs.NowIst = Day.ToDateTime(new TimeOnly(13, 0));
        var (first, firstRuns) = await DownloadAsync("--crm", "td", "--store", "a668", "--from", "auto", "--to", "2025-11-12");
        _portals.Sandbox.Knobs.NowIst = Day.ToDateTime(new TimeOnly(21, 30));
        var (second, secondRuns) = await DownloadAsync("--crm", "td", "--store", "a668", "--to", "2025-11-12");

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first + "\n" + second);
        Assert.Equal("2025-11-10", firstRuns.Single().GetProperty("from").GetString()); // firstRunDays = 3
        Assert.Equal("2025-11-11", secondRuns.Single().GetProperty("from").GetString()); // last covered day minus the overlap
        var morning = Td("a668", new DateOnly(2025, 11, 11), Day, Day.ToDateTime(new TimeOnly(13, 0)));
        var evening = Td("a668", new DateOnly(2025, 11, 11), Day, Day.ToDateTime(new TimeOnly(21, 30)));
        var run = secondRuns.Single();
        Assert.Equal(evening.Count - morning.Count, run.GetProperty("inserted").GetInt64());
        Assert.Equal(evening.Count(e => morning.Any(m => m.OrderNo == e.OrderNo && m != e)), run.GetProperty("updated").GetInt64());
        Assert.True(run.GetProperty("updated").GetInt64() > 0);
        Assert.Equal(Td("a668", new DateOnly(2025, 11, 10), Day, Day.ToDateTime(new TimeOnly(21, 30))).Count,
            await Db.ScalarAsync<long>(_db, "select count(*) from orders where cost_center = 'UN3668'"));
    }

    [Fact]
    public async Task Four_stores_share_one_browser_and_each_saves_its_session_back()
    {
        _portals.Sandbox.Knobs.ReportDelaySeconds = 2; // keeps the browser up long enough to be seen
        var before = Directory.GetFiles(_portals.ProfilesDir, "*.json").ToDictionary(f => f, File.GetLastWriteTimeUtc);
        using var process = _host.Start("download", "--report", "orders", "--from", Day.ToString("yyyy-MM-dd"), "--to", Day.ToString("yyyy-MM-dd"), "--json");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var browsers = new HashSet<int>();
        while (!process.HasExited)
        {
            browsers.UnionWith(BrowserProcesses.MainOf(process.Id));
            await Task.Delay(50);
        }
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, await stderr);
        var runs = JsonDocument.Parse(await stdout).RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(4, runs.Count(r => r.GetProperty("status").GetString() == "succeeded"));
        Assert.Single(browsers);
        Assert.Equal(4, before.Count);
        foreach (var (profile, written) in before)
        {
            Assert.True(File.GetLastWriteTimeUtc(profile) > written, $"{profile} was not saved back");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(profile));
            var state = await File.ReadAllTextAsync(profile);
            Assert.NotEmpty(JsonDocument.Parse(state).RootElement.GetProperty("cookies").EnumerateArray());
            if (Path.GetFileName(profile).StartsWith("uc_", StringComparison.Ordinal)) // saved without a page: token kept
                Assert.NotNull(CrmEtl.Abstractions.Portals.PortalSession.LocalStorageItem(state, _portals.Sandbox.UcStore, "token"));
        }
    }

    [Fact]
    public async Task A_session_that_cannot_be_saved_back_leaves_the_ingested_window_succeeded_once()
    {
        var profile = Path.Combine(_portals.ProfilesDir, "td_a817.json");
        var loaded = await File.ReadAllTextAsync(profile);
        var blocker = Directory.CreateDirectory(profile + ".tmp"); // the session is written there first, then moved
        try
        {
            var (result, runs) = await DownloadAsync("--crm", "td", "--store", "a817", "--from", Day.AddDays(-30).ToString("yyyy-MM-dd"),
                "--to", Day.AddDays(-30).ToString("yyyy-MM-dd"));

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal([("a817", "succeeded")], runs.Select(r => (r.GetProperty("store").GetString(), r.GetProperty("status").GetString())));
            Assert.Contains("session.not_saved", result.Stderr);
            Assert.Equal(["downloaded"], (await Db.RowsAsync(_db, "select status from download_ledger where store = 'a817'")).Select(r => (string?)r[0]));
            Assert.Equal(loaded, await File.ReadAllTextAsync(profile));
        }
        finally
        {
            blocker.Delete();
        }
    }

    [Fact]
    public async Task A_session_is_saved_back_without_the_origins_the_portal_no_longer_uses()
    {
        // The portal moved ports 30 times: each old origin would be loaded whenever the store's context opens.
        var profile = Path.Combine(_portals.ProfilesDir, "uc_sector56.json");
        var state = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(profile))!.AsObject();
        var origins = state["origins"]!.AsArray();
        var live = origins.Count;
        for (var port = 50001; port <= 50030; port++)
            origins.Add(new System.Text.Json.Nodes.JsonObject
            {
                ["origin"] = $"http://127.0.0.4:{port}",
                ["localStorage"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["name"] = "token", ["value"] = "old" }),
            });
        await File.WriteAllTextAsync(profile, state.ToJsonString());

        var (result, runs) = await DownloadAsync("--crm", "uc", "--store", "sector56", "--from", Day.AddDays(-31).ToString("yyyy-MM-dd"),
            "--to", Day.AddDays(-31).ToString("yyyy-MM-dd"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("succeeded", Assert.Single(runs).GetProperty("status").GetString());
        Assert.Contains("dropped the saved local storage of 30 origins", result.Stderr);
        var saved = await File.ReadAllTextAsync(profile);
        Assert.Equal(live, JsonDocument.Parse(saved).RootElement.GetProperty("origins").GetArrayLength());
        Assert.NotNull(CrmEtl.Abstractions.Portals.PortalSession.LocalStorageItem(saved, _portals.Sandbox.UcStore, "token"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(profile));
    }

    // The order reports only (the mechanics of a download), unless all reports are asked for.
    private Task<(HostProcess.Result Result, List<JsonElement> Runs)> DownloadAsync(params string[] args) => DownloadAsync(false, args);

    private async Task<(HostProcess.Result Result, List<JsonElement> Runs)> DownloadAsync(bool all, params string[] args)
    {
        var result = await _host.RunAsync(["download", .. args, .. all ? Array.Empty<string>() : ["--report", "orders"], "--json"]);
        var runs = result.Stdout.Length > 0
            ? JsonDocument.Parse(result.Stdout).RootElement.GetProperty("runs").EnumerateArray().Select(r => r.Clone()).ToList()
            : [];
        return (result, runs);
    }

    private static List<TdOrder> Td(string code, DateOnly from, DateOnly to, DateTime? now = null) =>
        Days(from, to).SelectMany(d => TdOrderReport.Orders(code, d, d == Day ? now ?? PortalFixture.Now : null)).ToList();

    private static List<UcInvoice> Uc(string code, DateOnly from, DateOnly to) =>
        Days(from, to).SelectMany(d => UcGstReport.Invoices(code, d, d == Day ? PortalFixture.Now : null)).ToList();

    private static IEnumerable<DateOnly> Days(DateOnly from, DateOnly to)
    {
        for (var d = from; d <= to; d = d.AddDays(1)) yield return d;
    }
}
