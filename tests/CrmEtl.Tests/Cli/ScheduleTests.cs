using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Cli;

public sealed class ScheduleTests
{
    [Fact]
    public async Task Install_writes_one_block_beside_other_cron_lines_and_remove_takes_only_it()
    {
        var dir = Repo.TempDir("cron");
        var crontab = Path.Combine(dir, "crontab");
        await File.WriteAllTextAsync(crontab, "MAILTO=ops@laundry.test\n15 2 * * * /usr/local/bin/backup\n");
        var host = new HostProcess(await TestCluster.CreateMigratedDatabaseAsync("cron"));
        host.Environment["CRMETL_CRONTAB_FILE"] = crontab;

        var printed = await host.RunAsync("schedule", "print");
        var before = await host.RunAsync("schedule", "status");
        await host.RunAsync("schedule", "install");
        var install = await host.RunAsync("schedule", "install", "--cron");
        var installed = await File.ReadAllTextAsync(crontab);
        var status = await host.RunAsync("schedule", "status");
        var remove = await host.RunAsync("schedule", "remove");
        var removed = await File.ReadAllTextAsync(crontab);

        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Equal(1, installed.Split('\n').Count(l => l.StartsWith("# BEGIN crm-etl schedule")));
        Assert.Contains("15 2 * * * /usr/local/bin/backup", installed);
        Assert.Contains($"CRMETL_HOME={host.Home}", installed);
        // the system's PATH, not the caller's, and the runtime the built host needs
        Assert.Contains("\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n", installed);
        Assert.Matches(@"\nDOTNET_ROOT=/\S+\n", installed);
        Assert.Contains("installed: nothing", before.Stdout);
        Assert.Contains($"installed: cron: 9 line(s) in {crontab}", status.Stdout);
        Assert.Matches(@"download\s+at 11:00, 14:00, 17:00, 21:00 IST; next \d{4}-\d\d-\d\d (11|14|17|21):00 IST", status.Stdout);
        Assert.Matches(@"pull erpnext\s+at 02:30 IST; next \d{4}-\d\d-\d\d 02:30 IST", status.Stdout);
        Assert.Contains("last ran: never", status.Stdout);
        var lines = installed.Split('\n');
        Assert.Equal(4, lines.Count(l => l.Contains("scripts/scheduled-run.sh download ") && l.Contains(" IST ")));
        // the API sources at their plugins' times: ERPNext once a day, the CRM four times
        Assert.Equal(1, lines.Count(l => l.Contains("scripts/scheduled-run.sh pull erpnext ") && l.Contains(" 02:30 IST ")));
        Assert.Equal(4, lines.Count(l => l.Contains("scripts/scheduled-run.sh pull crmapi ") && l.Contains(" IST ")));
        // this machine runs on UTC: 11:00 IST is 05:30, 02:30 IST is 21:00 the day before
        if (TimeZoneInfo.Local.BaseUtcOffset == TimeSpan.Zero)
        {
            Assert.Contains("30 5 * * * cd ", installed);
            Assert.Contains("0 21 * * * cd ", installed);
        }
        Assert.Contains(printed.Stdout.Trim(), installed);
        Assert.Equal(0, remove.ExitCode);
        Assert.Equal("MAILTO=ops@laundry.test\n15 2 * * * /usr/local/bin/backup\n", removed);
    }

    [Fact]
    public async Task The_systemd_timer_runs_at_IST_times_and_the_service_runs_the_wrapper()
    {
        var dir = Repo.TempDir("systemd");
        var host = new HostProcess(await TestCluster.CreateMigratedDatabaseAsync("sd"));
        host.Environment["CRMETL_SYSTEMD_DIR"] = dir;
        // the operator's own times for the CRM: twice a day
        host.Environment["CRMETL_Schedule__Pulls__crmapi__0"] = "08:15";
        host.Environment["CRMETL_Schedule__Pulls__crmapi__1"] = "20:45";

        var install = await host.RunAsync("schedule", "install", "--systemd", "--serve", "--user", "crmetl-ops");

        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Contains("User=crmetl-ops\n", await File.ReadAllTextAsync(Path.Combine(dir, "crm-etl-download.service")));
        var timer = await File.ReadAllTextAsync(Path.Combine(dir, "crm-etl-download.timer"));
        var service = await File.ReadAllTextAsync(Path.Combine(dir, "crm-etl-download.service"));
        foreach (var t in new[] { "11:00", "14:00", "17:00", "21:00" }) Assert.Contains($"OnCalendar=*-*-* {t}:00 Asia/Kolkata", timer);
        Assert.Contains($"ExecStart={Repo.Root}/scripts/scheduled-run.sh download", service);
        Assert.Contains($"Environment=\"CRMETL_HOME={host.Home}\"", service);
        var crm = await File.ReadAllTextAsync(Path.Combine(dir, "crm-etl-pull-crmapi.timer"));
        Assert.Equal(["08:15", "20:45"], crm.Split('\n').Where(l => l.StartsWith("OnCalendar=")).Select(l => l[17..22]));
        Assert.Contains($"ExecStart={Repo.Root}/scripts/scheduled-run.sh pull crmapi",
            await File.ReadAllTextAsync(Path.Combine(dir, "crm-etl-pull-crmapi.service")));
        Assert.Contains("OnCalendar=*-*-* 02:30:00 Asia/Kolkata", await File.ReadAllTextAsync(Path.Combine(dir, "crm-etl-pull-erpnext.timer")));
        // the web server beside the timers: a service of its own, restarted when it fails
        var serve = await File.ReadAllTextAsync(Path.Combine(dir, "crm-etl-serve.service"));
        Assert.Contains($"ExecStart={Repo.Root}/artifacts/host/crm-etl serve --quiet\n", serve);
        Assert.Contains("Restart=on-failure\n", serve);
        Assert.Contains("User=crmetl-ops\n", serve);
        Assert.Equal(7, Directory.GetFiles(dir).Length);
        Assert.Equal(0, (await host.RunAsync("schedule", "remove", "--systemd")).ExitCode);
        Assert.Empty(Directory.GetFiles(dir));
        var cron = await host.RunAsync("schedule", "install", "--serve");
        Assert.Equal(2, cron.ExitCode);
        Assert.Contains("--systemd", cron.Stderr);
    }

    [Fact]
    public async Task A_pull_time_that_is_not_HH_mm_is_refused_naming_the_setting()
    {
        var host = new HostProcess(await TestCluster.CreateMigratedDatabaseAsync("sdbad"));
        host.Environment["CRMETL_Schedule__Pulls__erpnext__0"] = "2am";

        var print = await host.RunAsync("schedule", "print");

        Assert.True(print.ExitCode == 2, print.ToString());
        Assert.Contains("schedule.pulls.erpnext has '2am', which is not HH:mm", print.Stderr);
    }

    [Fact]
    public async Task The_wrapper_refuses_an_unknown_job_and_passes_over_a_source_not_configured()
    {
        var host = new HostProcess(await TestCluster.CreateMigratedDatabaseAsync("wrap"));

        var bogus = await host.RunScriptAsync("scripts/scheduled-run.sh", "upload");
        var pull = await host.RunScriptAsync("scripts/scheduled-run.sh", "pull", "erpnext");

        Assert.Equal(2, bogus.ExitCode);
        Assert.Contains("usage:", bogus.Stderr);
        Assert.True(pull.ExitCode == 0, pull.ToString());
        var log = await File.ReadAllTextAsync(Path.Combine(host.Home, "logs", $"scheduled-{DateTime.Now:yyyy-MM-dd}.log"));
        Assert.Contains("done, exit 0", log);
        // the tool's info lines are in its own log, not repeated in the wrapper's
        Assert.DoesNotContain("[INFO ]", log);
        Assert.Contains("no 'erpnext' section in crm-etl.json: nothing to pull", await File.ReadAllTextAsync(Path.Combine(host.Home, "logs", "crm-etl.log")));
    }

    [Fact]
    public async Task Housekeeping_removes_or_archives_old_downloads_and_logs_only()
    {
        var host = new HostProcess(await TestCluster.CreateMigratedDatabaseAsync("hk"));
        var downloads = Repo.TempDir("hk-dl");
        var archive = Repo.TempDir("hk-archive");
        host.Environment["CRMETL_Download__Folder"] = downloads;
        var logs = Path.Combine(host.Home, "logs");
        Directory.CreateDirectory(logs);
        var old = new[] { Path.Combine(downloads, "TD_OrderReport_UttamNagar_2025-09-01_to_2025-09-01.xlsx"), Path.Combine(logs, "crm-etl.2025-09-01.log") };
        var recent = Path.Combine(downloads, "TD_OrderReport_UttamNagar_2025-11-12_to_2025-11-12.xlsx");
        foreach (var f in old.Append(recent)) await File.WriteAllTextAsync(f, "x");
        foreach (var f in old) File.SetLastWriteTimeUtc(f, DateTime.UtcNow.AddDays(-40));

        host.Environment["CRMETL_Housekeeping__ArchiveFolder"] = archive;
        var dry = await host.RunAsync("housekeep", "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.All(old, f => Assert.Contains($"would move {f}", dry.Stdout));
        Assert.All(old.Append(recent), f => Assert.True(File.Exists(f)));
        var result = await host.RunAsync("housekeep");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.All(old, f => Assert.False(File.Exists(f)));
        Assert.True(File.Exists(recent));
        Assert.True(File.Exists(Path.Combine(archive, Path.GetFileName(downloads), Path.GetFileName(old[0]))));
        Assert.Contains("2 file(s) older than 30 days moved", result.Stdout);
    }
}
