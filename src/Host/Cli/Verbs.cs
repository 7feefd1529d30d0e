using CommandLine;

namespace CrmEtl.Host.Cli;

[Verb("ingest", HelpText = "Ingest one report file for one store: staging (binary COPY), transforms, merge into orders.")]
internal sealed class IngestOptions
{
    [Option("crm", Required = true, HelpText = "Source plugin: td, uc or manual (see `plugins`).")]
    public string Crm { get; set; } = "";

    [Option("store", Required = true, HelpText = "Store id, e.g. a668 or sector56 (its code or cost center also work).")]
    public string Store { get; set; } = "";

    [Option("file", Required = true, HelpText = "The report file (.xlsx, .xls or .csv).")]
    public string File { get; set; } = "";

    [Option("from", HelpText = "First day the file covers (yyyy-MM-dd); default: the earliest order date in it.")]
    public string? From { get; set; }

    [Option("to", HelpText = "Last day the file covers (yyyy-MM-dd); default: the latest order date in it.")]
    public string? To { get; set; }

    [Option("dry-run", HelpText = "Do everything in a transaction that is rolled back; report what would happen.")]
    public bool DryRun { get; set; }

    [Option("json", HelpText = "Print the result as JSON on stdout (logs stay on stderr).")]
    public bool Json { get; set; }
}

[Verb("transform", HelpText = "Re-run the SQL transforms over batches already in staging (after editing sql/transforms).")]
internal sealed class TransformOptions
{
    [Option("crm", HelpText = "Only this source (td, uc, manual); default: all.")]
    public string? Crm { get; set; }

    [Option("all", HelpText = "Every staged batch, oldest first (the default when --batch is not given).")]
    public bool All { get; set; }

    [Option("batch", HelpText = "Only this load_batch_id.")]
    public long? Batch { get; set; }

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
    [Option("crm", Default = "all", HelpText = "td, uc or all.")]
    public string Crm { get; set; } = "all";

    [Option("store", Default = "all", HelpText = "A store id (a668, sector56) or all.")]
    public string Store { get; set; } = "all";

    [Option("from", Default = "auto", HelpText = "yyyy-MM-dd, today, or auto (the last covered day minus the overlap; first run: download.firstRunDays back).")]
    public string From { get; set; } = "auto";

    [Option("to", Default = "today", HelpText = "yyyy-MM-dd or today (in Asia/Kolkata).")]
    public string To { get; set; } = "today";

    [Option("headless", HelpText = "Run the browser without a window (the default unless crm-etl.json says otherwise).")]
    public bool Headless { get; set; }

    [Option("headed", HelpText = "Show the browser window (under Xvfb when there is no display).")]
    public bool Headed { get; set; }

    [Option("keep-files", HelpText = "Keep downloaded files after a successful ingestion (failed ones are always kept).")]
    public bool KeepFiles { get; set; }

    [Option("parallel", HelpText = "Stores downloaded at once, each in its own context of one browser (default: download.parallel in crm-etl.json, 4).")]
    public int? Parallel { get; set; }

    [Option("json", HelpText = "Print the runs as JSON on stdout.")]
    public bool Json { get; set; }
}

[Verb("bootstrap", HelpText = "Log in to a store's portal once (OTP included) and save its session to its profile file.")]
internal sealed class BootstrapOptions
{
    [Option("crm", Required = true, HelpText = "td or uc.")]
    public string Crm { get; set; } = "";

    [Option("store", Required = true, HelpText = "Store id, e.g. a668.")]
    public string Store { get; set; } = "";

    [Option("headless", HelpText = "No window (only for scripted logins: CRMETL_BOOTSTRAP_USER, _PASSWORD, _PIN, _OTP).")]
    public bool Headless { get; set; }
}

[Verb("demo", HelpText = "The whole job on the sandbox portals: bootstrap four stores, download 7 days, ingest, run again.")]
internal sealed class DemoOptions
{
    [Option("days", Default = 7, HelpText = "Days to download, ending today.")]
    public int Days { get; set; } = 7;
}

[Verb("schedule", HelpText = "The unattended schedule: print, install or remove the cron lines or systemd timer.")]
internal sealed class ScheduleOptions
{
    [Value(0, MetaName = "action", Required = true, HelpText = "print | install | remove")]
    public string Action { get; set; } = "";

    [Option("cron", HelpText = "A block in the user's crontab (the default).")]
    public bool Cron { get; set; }

    [Option("systemd", HelpText = "A systemd service and timer (times in Asia/Kolkata).")]
    public bool Systemd { get; set; }
}

[Verb("housekeep", HelpText = "Remove (or archive) kept and failed downloads and logs older than housekeeping.keepDays.")]
internal sealed class HousekeepOptions;
