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
        if (options.Serve && !options.Systemd)
            throw new UsageException("--serve installs the web server as a systemd service: give --systemd too (cron starts jobs, it does not keep a server running)");
        var root = Path.GetDirectoryName(host.Paths.SqlRoot)!;
        var wrapper = Path.Combine(root, "scripts", "scheduled-run.sh");
        var jobs = Jobs(host);
        // What the job needs and no more: not the caller's interactive PATH, but the system's, and the runtime the
        // built host runs on (the job runs artifacts/host/crm-etl; it never builds or installs anything).
        var env = new SortedDictionary<string, string>
        {
            ["CRMETL_HOME"] = host.Paths.Home,
            ["PATH"] = MinimalPath,
            ["DOTNET_ROOT"] = Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } dotnetRoot ? dotnetRoot : DotnetRoot(),
        };
        foreach (var name in new[] { "CRMETL_CONFIG", "CRMETL_DATABASE" })
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value) env[name] = value;
        var user = options.User ?? HomeOwner(host.Paths.Home);

        switch (options.Action.ToLowerInvariant())
        {
            case "print":
                if (options.Systemd)
                    foreach (var job in jobs)
                    {
                        var (service, timer) = SystemdUnits(root, wrapper, env, job, host.Config.Timeouts.RunMinutes, user);
                        Console.WriteLine($"# {job.Unit}.service\n{service}\n# {job.Unit}.timer\n{timer}");
                    }
                if (options.Serve) Console.WriteLine($"# {ServeUnit}.service\n{ServeService(root, env, user)}");
                else Console.WriteLine(CronBlock(root, wrapper, env, jobs));
                return 0;
            case "install":
                return options.Systemd
                    ? await InstallSystemdAsync(root, wrapper, env, jobs, host.Config.Timeouts.RunMinutes, user, options.Serve, ct)
                    : await InstallCronAsync(CronBlock(root, wrapper, env, jobs), ct);
            case "remove":
                return options.Systemd ? await RemoveSystemdAsync(ct) : await InstallCronAsync(null, ct);
            case "status":
                return await StatusAsync(host, jobs, ct);
            default:
                throw new UsageException($"unknown schedule action '{options.Action}' (print | install | remove | status)");
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
        Job job, double runMinutes, string user)
    {
        var service = new StringBuilder()
            .AppendLine("[Unit]")
            .AppendLine($"Description=CrmEtl: {job.Description}")
            .AppendLine("Wants=network-online.target")
            .AppendLine("After=network-online.target")
            .AppendLine()
            .AppendLine("[Service]")
            .AppendLine("Type=oneshot")
            .AppendLine($"User={user}")
            .AppendLine($"WorkingDirectory={root}");
        foreach (var (key, value) in env) service.AppendLine($"Environment=\"{key}={value}\"");
        // the wrapper sees systemd's INVOCATION_ID and writes the run to the journal as well as its log file
        service.AppendLine("StandardOutput=journal")
            .AppendLine($"ExecStart={wrapper} {job.Arguments}")
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

    private const string ServeUnit = UnitPrefix + "serve";

    /// <summary>The web server as a service: started at boot, restarted when it fails, stopped with SIGTERM (it lets requests finish).</summary>
    public static string ServeService(string root, IDictionary<string, string> env, string user)
    {
        var service = new StringBuilder()
            .AppendLine("[Unit]")
            .AppendLine("Description=CrmEtl: the web page and the read API (crm-etl serve)")
            .AppendLine("Wants=network-online.target")
            .AppendLine("After=network-online.target")
            .AppendLine()
            .AppendLine("[Service]")
            .AppendLine("Type=simple")
            .AppendLine($"User={user}")
            .AppendLine($"WorkingDirectory={root}");
        foreach (var (key, value) in env) service.AppendLine($"Environment=\"{key}={value}\"");
        return service.AppendLine($"ExecStart={Path.Combine(root, "artifacts", "host", "crm-etl")} serve --quiet")
            .AppendLine("Restart=on-failure")
            .AppendLine("RestartSec=5")
            .AppendLine("KillSignal=SIGTERM")
            .AppendLine("TimeoutStopSec=30")
            .AppendLine()
            .AppendLine("[Install]")
            .AppendLine("WantedBy=multi-user.target")
            .ToString();
    }

    // Replaces the crm-etl block of the crontab (or removes it when block is null), leaving other lines alone.
    private static async Task<int> InstallCronAsync(string? block, CancellationToken ct)
    {
        var (file, current) = await ReadCrontabAsync(ct);
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

    // The crontab as it is: CRMETL_CRONTAB_FILE's (and that file), else the user's (and null).
    private static async Task<(string? File, string Text)> ReadCrontabAsync(CancellationToken ct)
    {
        if (Environment.GetEnvironmentVariable("CRMETL_CRONTAB_FILE") is { Length: > 0 } file)
            return (file, File.Exists(file) ? await File.ReadAllTextAsync(file, ct) : "");
        var (code, output) = await ProcessRunner.RunAsync("crontab", ["-l"], ct: ct);
        return (null, code == 0 ? output : "");
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
        IReadOnlyList<Job> jobs, double runMinutes, string user, bool serve, CancellationToken ct)
    {
        var (dir, manage) = SystemdDir();
        Directory.CreateDirectory(dir);
        // A source's pull job that is no longer scheduled (its times emptied, its plugin removed) goes with the rest.
        await RemoveSystemdAsync(ct, quiet: true);
        foreach (var job in jobs)
        {
            var (service, timer) = SystemdUnits(root, wrapper, env, job, runMinutes, user);
            await File.WriteAllTextAsync(Path.Combine(dir, $"{job.Unit}.service"), service, ct);
            await File.WriteAllTextAsync(Path.Combine(dir, $"{job.Unit}.timer"), timer, ct);
            Console.WriteLine($"wrote {Path.Combine(dir, job.Unit)}.service and .timer ({string.Join(", ", job.Times.Select(t => t.ToString("HH:mm")))} IST)");
        }
        if (serve)
        {
            await File.WriteAllTextAsync(Path.Combine(dir, $"{ServeUnit}.service"), ServeService(root, env, user), ct);
            Console.WriteLine($"wrote {Path.Combine(dir, ServeUnit)}.service (the web server, started at boot)");
        }
        var timers = string.Join(' ', jobs.Select(j => j.Unit + ".timer").Concat(serve ? [ServeUnit + ".service"] : []));
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
        var server = Path.Combine(dir, ServeUnit + ".service");
        if (File.Exists(server))
        {
            if (manage) await SystemctlAsync(ct, $"disable --now {ServeUnit}.service");
            File.Delete(server);
            units.Add(ServeUnit);
        }
        if (manage && units.Count > 0) await SystemctlAsync(ct, "daemon-reload");
        if (!quiet) Console.WriteLine(units.Count == 0 ? $"no crm-etl units in {dir}" : $"removed {string.Join(", ", units)} from {dir}");
        return 0;
    }

    private const string MinimalPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    // The .NET installation the host runs on: three folders above the core library (dotnet/shared/Microsoft.NETCore.App/10.0.x).
    private static string DotnetRoot() =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));

    private static string HomeOwner(string home)
    {
        for (var dir = new DirectoryInfo(home); dir is not null; dir = dir.Parent)
            if (dir.Exists)
            {
                var (code, output) = ProcessRunner.RunAsync("stat", ["-c", "%U", dir.FullName]).GetAwaiter().GetResult();
                return code == 0 && output.Trim() is { Length: > 0 } owner ? owner : Environment.UserName;
            }
        return Environment.UserName;
    }

    // What is installed (the crontab block or the systemd units), when each job runs next and when the schedule last ran.
    private static async Task<int> StatusAsync(HostContext host, IReadOnlyList<Job> jobs, CancellationToken ct)
    {
        var installed = new List<string>();
        var (file, crontab) = await ReadCrontabAsync(ct);
        var cronLines = crontab.Split('\n').SkipWhile(l => !l.StartsWith("# BEGIN crm-etl schedule", StringComparison.Ordinal))
            .TakeWhile(l => l != End).Count(l => l.Contains("scheduled-run.sh", StringComparison.Ordinal));
        if (cronLines > 0) installed.Add($"cron: {cronLines} line(s) in {file ?? "the crontab"}");
        var (dir, _) = SystemdDir();
        var units = Directory.Exists(dir) ? Directory.GetFiles(dir, UnitPrefix + "*.timer").Select(Path.GetFileNameWithoutExtension).Order().ToList() : [];
        if (units.Count > 0) installed.Add($"systemd: {string.Join(", ", units)} in {dir}");
        Console.WriteLine(installed.Count == 0 ? "installed: nothing (./crm-etl schedule install)" : "installed: " + string.Join("; ", installed));

        var now = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, CliDates.India);
        foreach (var job in jobs)
        {
            var next = job.Times.Select(t => DateOnly.FromDateTime(now).ToDateTime(t)).Select(t => t > now ? t : t.AddDays(1)).Min();
            Console.WriteLine($"{job.Arguments,-20} at {string.Join(", ", job.Times.Select(t => t.ToString("HH:mm")))} IST; next {next:yyyy-MM-dd HH:mm} IST");
        }
        var last = Directory.Exists(host.Paths.Logs)
            ? Directory.GetFiles(host.Paths.Logs, "scheduled-*.log").Order().LastOrDefault() is { } log
                ? File.ReadLines(log).LastOrDefault(l => l.StartsWith("=== ", StringComparison.Ordinal) && l.Contains("scheduled run", StringComparison.Ordinal))
                : null
            : null;
        Console.WriteLine(last is null ? "last ran: never (no scheduled-*.log in " + host.Paths.Logs + ")" : "last ran: " + last[4..]);
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
