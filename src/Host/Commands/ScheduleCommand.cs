using System.Globalization;
using System.Text;
using CrmEtl.Host.Cli;

namespace CrmEtl.Host.Commands;

/// <summary>
/// Writes the schedule that runs scripts/scheduled-run.sh (download --from auto for every store, then
/// housekeep) at schedule.times, which are IST. cron has no time zones here, so its lines carry the machine's
/// local time for each IST time (noted beside it); the systemd timer names Asia/Kolkata itself.
/// CRMETL_CRONTAB_FILE / CRMETL_SYSTEMD_DIR redirect install and remove to a file or folder (tests, cron.d setups).
/// </summary>
internal static class ScheduleCommand
{
    private const string Begin = "# BEGIN crm-etl schedule (written by ./crm-etl schedule install; remove with ./crm-etl schedule remove)";
    private const string End = "# END crm-etl schedule";
    private const string Unit = "crm-etl-download";

    public static async Task<int> RunAsync(HostContext host, ScheduleOptions options, CancellationToken ct)
    {
        if (options.Cron && options.Systemd) throw new UsageException("give --cron or --systemd, not both");
        var root = Path.GetDirectoryName(host.Paths.SqlRoot)!;
        var wrapper = Path.Combine(root, "scripts", "scheduled-run.sh");
        var times = host.Config.Schedule.Times.Select(ParseTime).ToList();
        var env = new SortedDictionary<string, string>
        {
            ["CRMETL_HOME"] = host.Paths.Home,
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
        };
        foreach (var name in new[] { "CRMETL_CONFIG", "CRMETL_DATABASE", "DOTNET_ROOT" })
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value) env[name] = value;

        switch (options.Action.ToLowerInvariant())
        {
            case "print":
                if (options.Systemd)
                {
                    var (service, timer) = SystemdUnits(root, wrapper, env, times, host.Config.Timeouts.RunMinutes);
                    Console.WriteLine($"# {Unit}.service\n{service}\n# {Unit}.timer\n{timer}");
                }
                else Console.WriteLine(CronBlock(root, wrapper, env, times));
                return 0;
            case "install":
                return options.Systemd
                    ? await InstallSystemdAsync(root, wrapper, env, times, host.Config.Timeouts.RunMinutes, ct)
                    : await InstallCronAsync(CronBlock(root, wrapper, env, times), ct);
            case "remove":
                return options.Systemd ? await RemoveSystemdAsync(ct) : await InstallCronAsync(null, ct);
            default:
                throw new UsageException($"unknown schedule action '{options.Action}' (print | install | remove)");
        }
    }

    public static string CronBlock(string root, string wrapper, IDictionary<string, string> env, IReadOnlyList<TimeOnly> istTimes)
    {
        var sb = new StringBuilder();
        sb.AppendLine(Begin);
        foreach (var (key, value) in env) sb.AppendLine($"{key}={value}");
        var local = TimeZoneInfo.Local;
        foreach (var ist in istTimes)
        {
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var instant = TimeZoneInfo.ConvertTimeToUtc(today.ToDateTime(ist), CliDates.India);
            var at = TimeZoneInfo.ConvertTimeFromUtc(instant, local);
            sb.AppendLine($"{at.Minute} {at.Hour} * * * cd {root} && {wrapper}    # {ist:HH:mm} IST ({local.Id} {at:HH:mm})");
        }
        sb.Append(End);
        return sb.ToString();
    }

    public static (string Service, string Timer) SystemdUnits(string root, string wrapper, IDictionary<string, string> env,
        IReadOnlyList<TimeOnly> istTimes, double runMinutes)
    {
        var service = new StringBuilder()
            .AppendLine("[Unit]")
            .AppendLine("Description=CrmEtl: download and ingest every store's CRM report")
            .AppendLine("Wants=network-online.target")
            .AppendLine("After=network-online.target")
            .AppendLine()
            .AppendLine("[Service]")
            .AppendLine("Type=oneshot")
            .AppendLine($"WorkingDirectory={root}");
        foreach (var (key, value) in env) service.AppendLine($"Environment=\"{key}={value}\"");
        service.AppendLine($"ExecStart={wrapper}")
            .AppendLine($"TimeoutStartSec={(int)Math.Ceiling(runMinutes + 5)}min");
        var timer = new StringBuilder()
            .AppendLine("[Unit]")
            .AppendLine("Description=CrmEtl: the scheduled CRM downloads")
            .AppendLine()
            .AppendLine("[Timer]");
        foreach (var t in istTimes) timer.AppendLine($"OnCalendar=*-*-* {t:HH:mm}:00 Asia/Kolkata");
        timer.AppendLine("Persistent=true")
            .AppendLine()
            .AppendLine("[Install]")
            .AppendLine("WantedBy=timers.target");
        return (service.ToString(), timer.ToString());
    }

    // Replaces the crm-etl block of the crontab (or removes it when block is null), leaving other lines alone.
    private static async Task<int> InstallCronAsync(string? block, CancellationToken ct)
    {
        var file = Environment.GetEnvironmentVariable("CRMETL_CRONTAB_FILE");
        string current;
        if (file is { Length: > 0 }) current = File.Exists(file) ? await File.ReadAllTextAsync(file, ct) : "";
        else
        {
            var (code, output) = await ProcessRunner.RunAsync("crontab", ["-l"], ct: ct);
            current = code == 0 ? output : "";
        }
        var kept = RemoveBlock(current);
        var next = (kept.Length > 0 ? kept.TrimEnd('\n') + "\n" : "") + (block is null ? "" : block + "\n");
        if (file is { Length: > 0 }) await File.WriteAllTextAsync(file, next, ct);
        else
        {
            var (code, output) = await ProcessRunner.RunAsync("crontab", ["-"], ct: ct, input: next);
            if (code != 0) throw new InvalidOperationException($"crontab failed: {output} (is the Debian package 'cron' installed?)");
        }
        Console.WriteLine(block is null ? $"removed the crm-etl schedule from {file ?? "the crontab"}" : $"installed in {file ?? "the crontab"}:\n{block}");
        return 0;
    }

    private static string RemoveBlock(string crontab)
    {
        var lines = crontab.Split('\n').ToList();
        var start = lines.FindIndex(l => l.StartsWith("# BEGIN crm-etl schedule", StringComparison.Ordinal));
        var end = lines.FindIndex(l => l == End);
        if (start >= 0 && end >= start) lines.RemoveRange(start, end - start + 1);
        return string.Join('\n', lines).Trim('\n');
    }

    private static async Task<int> InstallSystemdAsync(string root, string wrapper, IDictionary<string, string> env,
        IReadOnlyList<TimeOnly> times, double runMinutes, CancellationToken ct)
    {
        var (dir, manage) = SystemdDir();
        Directory.CreateDirectory(dir);
        var (service, timer) = SystemdUnits(root, wrapper, env, times, runMinutes);
        await File.WriteAllTextAsync(Path.Combine(dir, $"{Unit}.service"), service, ct);
        await File.WriteAllTextAsync(Path.Combine(dir, $"{Unit}.timer"), timer, ct);
        Console.WriteLine($"wrote {Path.Combine(dir, Unit)}.service and .timer");
        if (manage) await SystemctlAsync(ct, "daemon-reload", "enable --now " + Unit + ".timer");
        else Console.WriteLine($"enable it with: systemctl daemon-reload && systemctl enable --now {Unit}.timer");
        return 0;
    }

    private static async Task<int> RemoveSystemdAsync(CancellationToken ct)
    {
        var (dir, manage) = SystemdDir();
        if (manage) await SystemctlAsync(ct, "disable --now " + Unit + ".timer");
        foreach (var f in new[] { $"{Unit}.service", $"{Unit}.timer" }) File.Delete(Path.Combine(dir, f));
        if (manage) await SystemctlAsync(ct, "daemon-reload");
        Console.WriteLine($"removed {Path.Combine(dir, Unit)}.service and .timer");
        return 0;
    }

    // systemctl is only driven when the units go to the real system folder and systemd runs here.
    private static (string Dir, bool Manage) SystemdDir()
    {
        if (Environment.GetEnvironmentVariable("CRMETL_SYSTEMD_DIR") is { Length: > 0 } dir) return (dir, false);
        var running = Directory.Exists("/run/systemd/system");
        return Environment.UserName == "root"
            ? ("/etc/systemd/system", running)
            : (Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "systemd", "user"), running);
    }

    private static async Task SystemctlAsync(CancellationToken ct, params string[] commands)
    {
        foreach (var command in commands)
        {
            var args = (Environment.UserName == "root" ? "" : "--user ") + command;
            var (code, output) = await ProcessRunner.RunAsync("systemctl", args.Split(' '), ct: ct);
            if (code != 0) throw new InvalidOperationException($"systemctl {args} failed: {output}");
        }
    }

    private static TimeOnly ParseTime(string text) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t
            : throw new UsageException($"schedule.times has '{text}', which is not HH:mm");
}
