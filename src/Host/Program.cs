using CommandLine;
using CommandLine.Text;
using CrmEtl.Host;
using CrmEtl.Host.Cli;
using CrmEtl.Host.Commands;
using CrmEtl.Host.Logging;

// Exit codes: 0 all runs succeeded / duplicate / no data; 1 a run failed; 2 the command line was wrong.
PrivateFiles.Apply();
var paths = CrmEtlPaths.FromEnvironment();
// Asking for help or the version writes no log and creates no folder.
var onlyHelp = args.Length == 0 || args.Any(a => a is "--help" or "--version" or "help" or "version");
// --verbose (every stage and timing) and --quiet (warnings and errors only) hold for every verb: taken out here.
var level = args.Contains("--verbose") ? "Debug" : args.Contains("--quiet") ? "Warn" : null;
args = args.Where(a => a is not ("--verbose" or "--quiet")).ToArray();
Log.Configure(onlyHelp ? null : paths.Logs, level);
Log.Debug("host", "host.start", $"crm-etl {string.Join(' ', args.Take(1))} pid {Environment.ProcessId}");
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
var host = new HostContext(paths);
var ct = cancel.Token;

try
{
    // A verb the host does not have may be a plugin's (./crm-etl leads list, ./crm-etl export --crm crmapi).
    if (args.Length > 0 && !Verbs.Names.Contains(args[0]) && await PluginVerbs.TryRunAsync(host, args, ct) is { } code) return code;

    var parser = new Parser(s =>
    {
        s.HelpWriter = null; // written below: help on stdout, errors on stderr
        s.CaseInsensitiveEnumValues = true;
    });
    var parsed = parser.ParseArguments(args, Verbs.Types);
    if (parsed is NotParsed<object> notParsed) return Verbs.ReportNotParsed(notParsed, host, args);
    if (Verbs.StrayArgument(parsed.Value, args) is { } stray)
        throw new UsageException($"'{stray}' is not an option or argument of {args[0]} (./crm-etl {args[0]} --help)");

    return await (parsed.Value switch
    {
        IngestOptions o => IngestCommand.RunAsync(host, o, ct),
        DownloadOptions o => DownloadCommand.RunAsync(host, o, ct),
        BootstrapOptions o => BootstrapCommand.RunAsync(host, o, ct),
        DemoOptions o => DemoCommand.RunAsync(host, o, ct),
        TransformOptions o => TransformCommand.RunAsync(host, o, ct),
        MigrateOptions => AdminCommands.MigrateAsync(host, ct),
        PluginsOptions => Task.FromResult(AdminCommands.Plugins(host)),
        StatusOptions o => StatusCommand.RunAsync(host, o, ct),
        DbOptions o => AdminCommands.DbAsync(host, o, ct),
        ScheduleOptions o => ScheduleCommand.RunAsync(host, o, ct),
        HousekeepOptions o => Task.FromResult(HousekeepCommand.Run(host, o)),
        AlertsOptions o => AdminCommands.AlertsAsync(host, o, ct),
        ServeOptions o => CrmEtl.Host.Web.ServeCommand.RunAsync(host, o, ct),
        UsersOptions o => CrmEtl.Host.Web.UsersCommand.RunAsync(host, o, ct),
        _ => Task.FromResult(2),
    });
}
catch (UsageException e)
{
    Console.Error.WriteLine($"crm-etl: {e.Message}");
    return 2;
}
catch (Exception e) when (e is not OutOfMemoryException)
{
    Log.Error("host", "host.failed", $"{e.GetType().Name}: {e.Message}");
    return 1;
}
finally
{
    Log.Flush();
}
