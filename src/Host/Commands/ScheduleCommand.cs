using System.Globalization;
using System.Text;
using CrmEtl.Host.Cli;

namespace CrmEtl.Host.Commands;

/// <summary>
/// Writes the schedule that runs scripts/scheduled-run.sh: <c>download</c> (every store's report for the auto window,
/// then housekeep) at schedule.times, and <c>pull CRM</c> for each API source at its own times (schedule.pulls, else
/// the plugin's: ERPNext daily, the CRM 4 times a day). Times are IST. cron has no time zones here, so its lines carry
/// the machine's local time for each IST time (noted beside it); the systemd timers name Asia/Kolkata themselves.
/// CRMETL_CRONTAB_FILE / CRMETL_SYSTEMD_DIR redirect install and remove to a file or folder (tests, cron.d setups).
/// </summary>
internal static class ScheduleCommand
{
    private const string Begin = "# BEGIN crm-etl schedule (written by ./crm-etl schedule install; remove with ./crm-etl schedule remove)";
    private const string End = "# END crm-etl schedule";
    private const string UnitPrefix = "crm-etl-";

    /// <summary>One scheduled command: its systemd unit, what the wrapper is told, and when (IST).</summary>
    internal sealed record Job(string Unit, string Description, string Arguments, IReadOnlyList<TimeOnly> Times);

    public static async Task<int> RunAsync(HostContext host, ScheduleOptions options, CancellationToken ct)
    {
        if (options.Cron && options.Systemd) throw new UsageException("give --cron or --systemd, not both");
        var root = Path.GetDirectoryName(host.Paths.SqlRoot)!;
        var wrapper = Path.Combine(root, "scripts", "scheduled-run.sh");
        var jobs = Jobs(host);
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
                    foreach (var job in jobs)
                    {
                        var (service, timer) = SystemdUnits(root, wrapper, env, job, host.Config.Timeouts.RunMinutes);
                        Console.WriteLine($"# {job.Unit}.service\n{service}\n# {job.Unit}.timer\n{timer}");
                    }
                else Console.WriteLine(CronBlock(root, wrapper, env, jobs));
                return 0;
            case "install":
                return options.Systemd
                    ? await InstallSystemdAsync(root, wrapper, env, jobs, host.Config.Timeouts.RunMinutes, ct)
                    : await InstallCronAsync(CronBlock(root, wrapper, env, jobs), ct);
            case "remove":
                return options.Systemd ? await RemoveSystemdAsync(ct) : await InstallCronAsync(null, ct);
            default:
                throw new UsageException($"unknown schedule action '{options.Action}' (print | install | remove)");
        }
    }

    // The downloads, then one pull job per API source. A source without configuration is scheduled all the same: the
    // wrapper pulls it --if-configured, so configuring it later needs no new schedule.
    private static List<Job> Jobs(HostContext host)
    {
        var jobs = new List<Job>
        {
            new($"{UnitPrefix}download", "download and ingest every store's CRM report", "download",
                host.Config.Schedule.Times.Select(t => ParseTime(t, "schedule.times")).ToList()),
        };
        foreach (var plugin in host.Plugins.Plugins)
        {
            var apis = plugin.Plugin.Datasets.Where(d => d.Api is not null).Select(d => d.Api!).ToList();
            if (apis.Count == 0) continue;
            var crm = plugin.Info.Crm;
            var times = host.Config.Schedule.Pulls.TryGetValue(crm, out var configured)
                ? configured.Select(t => ParseTime(t, $"schedule.pulls.{crm}"))
                : apis.SelectMany(a => a.PullTimes).Select(t => ParseTime(t, $"the {crm} plugin's pull times"));
            var distinct = times.Distinct().Order().ToList();
            if (distinct.Count > 0)
                jobs.Add(new($"{UnitPrefix}pull-{crm}", $"pull what changed in {plugin.Info.DisplayName}", $"pull {crm}", distinct));
        }
        return jobs;
    }

    public static string CronBlock(string root, string wrapper, IDictionary<string, string> env, IReadOnlyList<Job> jobs)
    {
        var sb = new StringBuilder();
        sb.AppendLine(Begin);
        foreach (var (key, value) in env) sb.AppendLine($"{key}={value}");
        var local = TimeZoneInfo.Local;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        foreach (var job in jobs)
            foreach (var ist in job.Times)
            {
                var instant = TimeZoneInfo.ConvertTimeToUtc(today.ToDateTime(ist), CliDates.India);
                var at = TimeZoneInfo.ConvertTimeFromUtc(instant, local);
                sb.AppendLine($"{at.Minute} {at.Hour} * * * cd {root} && {wrapper} {job.Arguments}    # {ist:HH:mm} IST ({local.Id} {at:HH:mm})");
            }
        sb.Append(End);
        return sb.ToString();
    }

    public static (string Service, string Timer) SystemdUnits(string root, string wrapper, IDictionary<string, string> env,
        Job job, double runMinutes)
    {
        var service = new StringBuilder()
            .AppendLine("[Unit]")
            .AppendLine($"Description=CrmEtl: {job.Description}")
            .AppendLine("Wants=network-online.target")
            .AppendLine("After=network-online.target")
            .AppendLine()
            .AppendLine("[Service]")
            .AppendLine("Type=oneshot")
            .AppendLine($"WorkingDirectory={root}");
        foreach (var (key, value) in env) service.AppendLine($"Environment=\"{key}={value}\"");
        service.AppendLine($"ExecStart={wrapper} {job.Arguments}")
            .AppendLine($"TimeoutStartSec={(int)Math.Ceiling(runMinutes + 5)}min");
        var timer = new StringBuilder()
            .AppendLine("[Unit]")
            .AppendLine($"Description=CrmEtl: when to {job.Description}")
            .AppendLine()
            .AppendLine("[Timer]");
        foreach (var t in job.Times) timer.AppendLine($"OnCalendar=*-*-* {t:HH:mm}:00 Asia/Kolkata");
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
        IReadOnlyList<Job> jobs, double runMinutes, CancellationToken ct)
    {
        var (dir, manage) = SystemdDir();
        Directory.CreateDirectory(dir);
        // A source's pull job that is no longer scheduled (its times emptied, its plugin removed) goes with the rest.
        await RemoveSystemdAsync(ct, quiet: true);
        foreach (var job in jobs)
        {
            var (service, timer) = SystemdUnits(root, wrapper, env, job, runMinutes);
            await File.WriteAllTextAsync(Path.Combine(dir, $"{job.Unit}.service"), service, ct);
            await File.WriteAllTextAsync(Path.Combine(dir, $"{job.Unit}.timer"), timer, ct);
            Console.WriteLine($"wrote {Path.Combine(dir, job.Unit)}.service and .timer ({string.Join(", ", job.Times.Select(t => t.ToString("HH:mm")))} IST)");
        }
        var timers = string.Join(' ', jobs.Select(j => j.Unit + ".timer"));
        if (manage) await SystemctlAsync(ct, "daemon-reload", "enable --now " + timers);
        else Console.WriteLine($"enable them with: systemctl daemon-reload && systemctl enable --now {timers}");
        return 0;
    }

    private static async Task<int> RemoveSystemdAsync(CancellationToken ct, bool quiet = false)
    {
        var (dir, manage) = SystemdDir();
        var units = Directory.Exists(dir)
            ? Directory.GetFiles(dir, UnitPrefix + "*.timer").Select(f => Path.GetFileNameWithoutExtension(f)!)
                .Where(u => u == UnitPrefix + "download" || u.StartsWith(UnitPrefix + "pull-", StringComparison.Ordinal)).Order().ToList()
            : [];
        if (manage && units.Count > 0) await SystemctlAsync(ct, "disable --now " + string.Join(' ', units.Select(u => u + ".timer")));
        foreach (var unit in units)
            foreach (var f in new[] { $"{unit}.service", $"{unit}.timer" }) File.Delete(Path.Combine(dir, f));
        if (manage && units.Count > 0) await SystemctlAsync(ct, "daemon-reload");
        if (!quiet) Console.WriteLine(units.Count == 0 ? $"no crm-etl units in {dir}" : $"removed {string.Join(", ", units)} from {dir}");
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

    private static TimeOnly ParseTime(string text, string where) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t
            : throw new UsageException($"{where} has '{text}', which is not HH:mm");
}
