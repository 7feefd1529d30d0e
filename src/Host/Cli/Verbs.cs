using System.Reflection;
using CommandLine;
using CommandLine.Text;
using CrmEtl.Host.Ingestion;

namespace CrmEtl.Host.Cli;

/// <summary>The host's verbs, and what the command line gets when it names none of them right.</summary>
internal static class Verbs
{
    public static readonly Type[] Types =
    [
        typeof(IngestOptions), typeof(DownloadOptions), typeof(BootstrapOptions), typeof(DemoOptions), typeof(TransformOptions),
        typeof(MigrateOptions), typeof(PluginsOptions), typeof(StatusOptions), typeof(DbOptions), typeof(ScheduleOptions),
        typeof(HousekeepOptions), typeof(AlertsOptions), typeof(ServeOptions), typeof(UsersOptions),
    ];

    public static readonly HashSet<string> Names = Types.Select(t => t.GetCustomAttribute<VerbAttribute>()!.Name).ToHashSet();

    /// <summary>Help asked for goes to stdout (exit 0); a wrong command line's error and help to stderr (exit 2).</summary>
    /// <summary>
    /// A value on the command line that no option takes and no positional argument of the verb is (<c>status extra</c>),
    /// or null. CommandLineParser passes such values over; a stray word is more often a mistake than not.
    /// </summary>
    public static string? StrayArgument(object options, string[] args)
    {
        var properties = options.GetType().GetProperties();
        var valued = properties.Select(p => (Option: p.GetCustomAttributes(typeof(OptionAttribute), false).OfType<OptionAttribute>().FirstOrDefault(), p.PropertyType))
            .Where(o => o.Option is not null && o.PropertyType != typeof(bool))
            .SelectMany(o => new[] { "--" + o.Option!.LongName, o.Option.ShortName is { Length: > 0 } s ? "-" + s : null }.OfType<string>())
            .ToHashSet(StringComparer.Ordinal);
        var positional = properties.Count(p => p.GetCustomAttributes(typeof(ValueAttribute), false).Length > 0);
        var values = 0;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--") break;
            if (args[i].StartsWith('-'))
            {
                if (!args[i].Contains('=') && valued.Contains(args[i])) i++; // its value
                continue;
            }
            if (++values > positional) return args[i];
        }
        return null;
    }

    // One command line per verb, for its help.
    private static readonly Dictionary<string, string> Examples = new()
    {
        ["ingest"] = "./crm-etl ingest --crm td --store a668 --file samples/TD_OrderReport_UttamNagar_2025-11-12_to_2025-11-12.xlsx --json",
        ["transform"] = "./crm-etl transform --crm uc --all",
        ["migrate"] = "./crm-etl migrate",
        ["plugins"] = "./crm-etl plugins",
        ["status"] = "./crm-etl status --json",
        ["db"] = "./crm-etl db status",
        ["download"] = "./crm-etl download --crm all --store all --from auto --to today --headless",
        ["bootstrap"] = "./crm-etl bootstrap --crm td --store a668",
        ["demo"] = "./crm-etl demo",
        ["schedule"] = "./crm-etl schedule install --systemd --user crmetl",
        ["alerts"] = "./crm-etl alerts test",
        ["housekeep"] = "./crm-etl housekeep --dry-run",
        ["serve"] = "./crm-etl serve --port 8080",
        ["users"] = "./crm-etl users add priya --role editor --instances site1,site2",
    };

    /// <summary>A verb's usage line from its options (required ones bare, the others in brackets, values as placeholders) and its example.</summary>
    public static string Usage(string verb, Type options)
    {
        var parts = new List<string>();
        foreach (var property in options.GetProperties())
        {
            if (property.GetCustomAttribute<ValueAttribute>() is { } value)
                parts.Add(value.Required ? value.MetaName : $"[{value.MetaName}]");
            else if (property.GetCustomAttribute<OptionAttribute>() is { } option)
            {
                var text = property.PropertyType == typeof(bool)
                    ? $"--{option.LongName}"
                    : $"--{option.LongName} {(option.MetaValue is { Length: > 0 } meta ? meta : option.LongName.Replace("-", "_").ToUpperInvariant())}";
                parts.Add(option.Required ? text : $"[{text}]");
            }
        }
        return $"usage: ./crm-etl {verb} {string.Join(' ', parts)}" + (Examples.TryGetValue(verb, out var example) ? $"\nexample: {example}" : "");
    }

    public static int ReportNotParsed(NotParsed<object> notParsed, HostContext host, string[] args)
    {
        var errors = notParsed.Errors.ToList();
        if (errors.Any(e => e.Tag == ErrorType.VersionRequestedError))
        {
            // the version alone, as every tool prints it
            Console.Out.WriteLine(HeadingInfo.Default.ToString());
            return 0;
        }
        // Without a verb (./crm-etl --help, or nothing): the list of verbs, the plugins' too.
        var index = errors.Any(e => e.Tag is ErrorType.NoVerbSelectedError) || errors.Any(e => e.Tag == ErrorType.HelpVerbRequestedError && ((HelpVerbRequestedError)e).Verb is null)
                    || args.Length == 0 || args[0] is "--help" or "--version";
        var help = HelpText.AutoBuild(notParsed, h =>
        {
            h.AddDashesToOption = true;
            h.AdditionalNewLineAfterOption = false;
            h.MaximumDisplayWidth = 120;
            h.AddPostOptionsLine("exit codes: 0 every run succeeded, was a duplicate or had no data; 1 a run failed; 2 the command line was wrong");
            return h;
        }, e => e, verbsIndex: index);
        if (errors.All(e => e.Tag is ErrorType.HelpRequestedError or ErrorType.HelpVerbRequestedError or ErrorType.VersionRequestedError))
        {
            if (!index && notParsed.TypeInfo.Current is { } verbType && verbType.GetCustomAttribute<VerbAttribute>() is { } verb)
                Console.Out.WriteLine(Usage(verb.Name, verbType));
            Console.Out.WriteLine(help);
            if (index) PrintPluginVerbs(host, Console.Out);
            return 0;
        }
        if (errors.OfType<BadVerbSelectedError>().FirstOrDefault() is { } bad)
        {
            var plugin = host.Plugins.Plugins.SelectMany(p => p.Plugin.Commands.Select(c => c.Verb));
            Console.Error.WriteLine($"crm-etl: unknown verb '{bad.Token}'{PluginVerbs.Suggest(bad.Token, Names.Concat(plugin))}; ./crm-etl --help lists them");
            return 2;
        }
        Console.Error.WriteLine(help);
        if (index) PrintPluginVerbs(host, Console.Error);
        return 2;
    }

    private static void PrintPluginVerbs(HostContext host, TextWriter output)
    {
        var verbs = PluginVerbs.Summaries(host.Plugins).ToList();
        if (verbs.Count == 0) return;
        output.WriteLine("verbs of the plugins:");
        foreach (var line in verbs) output.WriteLine(line);
    }
}

[Verb("ingest", HelpText = "Ingest one file: staging (binary COPY), then the source's SQL models and checks, in one transaction.")]
internal sealed class IngestOptions
{
    [Option("crm", MetaValue = "CRM", Required = true, HelpText = "Source plugin: td, uc, manual, ... (see `plugins`).")]
    public string Crm { get; set; } = "";

    [Option("store", MetaValue = "ID", HelpText = "Store id, e.g. a668 or sector56 (its code or cost center also work); for sources with stores.")]
    public string? Store { get; set; }

    [Option("file", MetaValue = "PATH", Required = true, HelpText = "The file (.xlsx, .xls or .csv).")]
    public string File { get; set; } = "";

    [Option("report", MetaValue = "R", HelpText = "Which of the source's reports the file is (see `plugins`); default: told by its name, or the only one.")]
    public string? Report { get; set; }

    [Option("max-rejects", MetaValue = "N", Default = IngestRequest.DefaultMaxRejects, HelpText = "More rows that cannot be read than this fail the whole run, changing nothing.")]
    public int MaxRejects { get; set; } = IngestRequest.DefaultMaxRejects;

    [Option("from", MetaValue = "yyyy-MM-dd", HelpText = "First day the file covers (yyyy-MM-dd); default: the earliest order date in it.")]
    public string? From { get; set; }

    [Option("to", MetaValue = "yyyy-MM-dd", HelpText = "Last day the file covers (yyyy-MM-dd); default: the latest order date in it.")]
    public string? To { get; set; }

    [Option("dry-run", HelpText = "Do everything in a transaction that is rolled back; report what would happen.")]
    public bool DryRun { get; set; }

    [Option("json", HelpText = "Print the result as JSON on stdout (logs stay on stderr).")]
    public bool Json { get; set; }
}

[Verb("transform", HelpText = "Re-run the SQL models over batches already in staging (after editing a plugin's sql/models).")]
internal sealed class TransformOptions
{
    [Option("crm", MetaValue = "CRM", HelpText = "Only this source (td, uc, manual, ...); default: all.")]
    public string? Crm { get; set; }

    [Option("report", MetaValue = "R", HelpText = "Only this report (dataset) of the source; default: all of them.")]
    public string? Report { get; set; }

    [Option("all", HelpText = "Every staged batch, oldest first (the default when --batch is not given).")]
    public bool All { get; set; }

    [Option("batch", MetaValue = "ID", HelpText = "Only this load_batch_id.")]
    public long? Batch { get; set; }

    [Option("print-sql", HelpText = "With --batch: run it in a transaction that is rolled back and print every statement the models and checks ran, for psql.")]
    public bool PrintSql { get; set; }

    [Option("json", HelpText = "Print the result as JSON on stdout.")]
    public bool Json { get; set; }
}

[Verb("migrate", HelpText = "Apply pending migrations (sql/migrations and plugins' sql/migrations). Other verbs do it first anyway.")]
internal sealed class MigrateOptions;

[Verb("plugins", HelpText = "List the source plugins found.")]
internal sealed class PluginsOptions;

[Verb("status", HelpText = "Per store: last successful window, last run and its status, order count.")]
internal sealed class StatusOptions
{
    [Option("json", HelpText = "Print as JSON on stdout.")]
    public bool Json { get; set; }
}

[Verb("db", HelpText = "The embedded PostgreSQL cluster: start, stop or status.")]
internal sealed class DbOptions
{
    [Value(0, MetaName = "action", Required = true, HelpText = "start | stop | status")]
    public string Action { get; set; } = "";
}

[Verb("download", HelpText = "Download each selected store's report from its portal, record it, ingest it.")]
internal sealed class DownloadOptions
{
    [Option("crm", MetaValue = "CRM", Default = "all", HelpText = "td, uc or all.")]
    public string Crm { get; set; } = "all";

    [Option("store", MetaValue = "ID", Default = "all", HelpText = "A store id (a668, sector56) or all.")]
    public string Store { get; set; } = "all";

    [Option("from", MetaValue = "yyyy-MM-dd|today|auto", Default = "auto", HelpText = "yyyy-MM-dd, today, or auto (the last covered day minus the overlap; first run: download.firstRunDays back).")]
    public string From { get; set; } = "auto";

    [Option("to", MetaValue = "yyyy-MM-dd|today", Default = "today", HelpText = "yyyy-MM-dd or today (in Asia/Kolkata).")]
    public string To { get; set; } = "today";

    [Option("headless", HelpText = "Run the browser without a window (the default unless crm-etl.json says otherwise).")]
    public bool Headless { get; set; }

    [Option("headed", HelpText = "Show the browser window (under Xvfb when there is no display).")]
    public bool Headed { get; set; }

    [Option("keep-files", HelpText = "Keep downloaded files after a successful ingestion (failed ones are always kept).")]
    public bool KeepFiles { get; set; }

    [Option("parallel", MetaValue = "N", HelpText = "Stores downloaded at once, each in its own context of one browser (default: download.parallel in crm-etl.json, 4).")]
    public int? Parallel { get; set; }

    [Option("report", MetaValue = "R", HelpText = "Only this report of each store (e.g. orders); default: every report its portal gives.")]
    public string? Report { get; set; }

    [Option("json", HelpText = "Print the runs as JSON on stdout.")]
    public bool Json { get; set; }
}

[Verb("bootstrap", HelpText = "Log in to a store's portal once (OTP included) and save its session to its profile file.")]
internal sealed class BootstrapOptions
{
    [Option("crm", MetaValue = "CRM", Required = true, HelpText = "td or uc.")]
    public string Crm { get; set; } = "";

    [Option("store", MetaValue = "ID", Required = true, HelpText = "Store id, e.g. a668.")]
    public string Store { get; set; } = "";

    [Option("headless", HelpText = "No window (only for scripted logins: CRMETL_BOOTSTRAP_USER, _PASSWORD, _PIN, _OTP).")]
    public bool Headless { get; set; }
}

[Verb("demo", HelpText = "The whole job on the sandbox portals: bootstrap four stores, download 7 days, ingest, run again.")]
internal sealed class DemoOptions
{
    [Option("days", MetaValue = "N", Default = 7, HelpText = "Days to download, ending today.")]
    public int Days { get; set; } = 7;
}

[Verb("schedule", HelpText = "The unattended schedule: print, install or remove the cron lines or systemd timers; status says what is installed and when it runs next.")]
internal sealed class ScheduleOptions
{
    [Value(0, MetaName = "action", Required = true, HelpText = "print | install | remove | status")]
    public string Action { get; set; } = "";

    [Option("user", MetaValue = "NAME", HelpText = "The user the systemd services run as (default: the owner of the home).")]
    public string? User { get; set; }

    [Option("cron", HelpText = "A block in the user's crontab (the default).")]
    public bool Cron { get; set; }

    [Option("systemd", HelpText = "A systemd service and timer (times in Asia/Kolkata).")]
    public bool Systemd { get; set; }

    [Option("serve", HelpText = "With --systemd: also the web server (crm-etl serve) as a service, started at boot and restarted when it fails.")]
    public bool Serve { get; set; }
}

[Verb("alerts", HelpText = "alerts test: send a test alert through every configured channel (webhook, email); exit 1 when none is configured or one fails.")]
internal sealed class AlertsOptions
{
    [Value(0, MetaName = "action", Required = true, HelpText = "test")]
    public string Action { get; set; } = "";
}

[Verb("housekeep", HelpText = "Remove (or archive) kept and failed downloads and logs older than housekeeping.keepDays.")]
internal sealed class HousekeepOptions
{
    [Option("dry-run", HelpText = "List what would be removed or moved, and change nothing.")]
    public bool DryRun { get; set; }
}

[Verb("serve", HelpText = "The web page and the read API for the warehouse (logins, roles, ERP instance grants), in the foreground until stopped.")]
internal sealed class ServeOptions
{
    [Option("port", MetaValue = "N", HelpText = "The port (default: serve.port in crm-etl.json, 8080).")]
    public int? Port { get; set; }

    [Option("bind", MetaValue = "ADDRESS", HelpText = "The address to listen on (default 127.0.0.1); beyond loopback only with serve.certificate or --insecure-http.")]
    public string? Bind { get; set; }

    [Option("insecure-http", HelpText = "Listen beyond loopback without TLS, on purpose (passwords and cookies cross the network in clear).")]
    public bool InsecureHttp { get; set; }

    [Option("demo", HelpText = "Serve the demo's database (crmetl_demo, made by ./crm-etl demo).")]
    public bool Demo { get; set; }
}

[Verb("users", HelpText = "The users of the web page and the API: add (password from the terminal or standard input), list, remove, token (prints a new API token once).")]
internal sealed class UsersOptions
{
    [Value(0, MetaName = "action", Required = true, HelpText = "add | list | remove | token")]
    public string Action { get; set; } = "";

    [Value(1, MetaName = "NAME", HelpText = "The user's name.")]
    public string? Name { get; set; }

    [Option("role", MetaValue = "viewer|editor|admin", HelpText = "viewer reads; editor also works leads; admin also sees runs' errors and users (users add).")]
    public string? Role { get; set; }

    [Option("instances", MetaValue = "a,b|all", HelpText = "The ERP instances the user may see (users add; default none, all for an admin).")]
    public string? Instances { get; set; }

    [Option("demo", HelpText = "The users of the demo's database (crmetl_demo).")]
    public bool Demo { get; set; }
}
