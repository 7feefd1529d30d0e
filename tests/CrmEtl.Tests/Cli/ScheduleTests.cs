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
        await host.RunAsync("schedule", "install");
        var install = await host.RunAsync("schedule", "install", "--cron");
        var installed = await File.ReadAllTextAsync(crontab);
        var remove = await host.RunAsync("schedule", "remove");
        var removed = await File.ReadAllTextAsync(crontab);

        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Equal(1, installed.Split('\n').Count(l => l.StartsWith("# BEGIN crm-etl schedule")));
        Assert.Contains("15 2 * * * /usr/local/bin/backup", installed);
        Assert.Contains($"CRMETL_HOME={host.Home}", installed);
        Assert.Equal(4, installed.Split('\n').Count(l => l.Contains("scripts/scheduled-run.sh") && l.Contains(" IST ")));
        // this machine runs on UTC: 11:00 IST is 05:30
        if (TimeZoneInfo.Local.BaseUtcOffset == TimeSpan.Zero) Assert.Contains("30 5 * * * cd ", installed);
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

        var install = await host.RunAsync("schedule", "install", "--systemd");

        Assert.True(install.ExitCode == 0, install.ToString());
        var timer = await File.ReadAllTextAsync(Path.Combine(dir, "crm-etl-download.timer"));
        var service = await File.ReadAllTextAsync(Path.Combine(dir, "crm-etl-download.service"));
        foreach (var t in new[] { "11:00", "14:00", "17:00", "21:00" }) Assert.Contains($"OnCalendar=*-*-* {t}:00 Asia/Kolkata", timer);
        Assert.Contains($"ExecStart={Repo.Root}/scripts/scheduled-run.sh", service);
        Assert.Contains($"Environment=\"CRMETL_HOME={host.Home}\"", service);
        Assert.Equal(0, (await host.RunAsync("schedule", "remove", "--systemd")).ExitCode);
        Assert.Empty(Directory.GetFiles(dir));
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
        var result = await host.RunAsync("housekeep");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.All(old, f => Assert.False(File.Exists(f)));
        Assert.True(File.Exists(recent));
        Assert.True(File.Exists(Path.Combine(archive, Path.GetFileName(downloads), Path.GetFileName(old[0]))));
        Assert.Contains("2 file(s) older than 30 days moved", result.Stdout);
    }
}
