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
