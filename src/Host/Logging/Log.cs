using NLog;
using NLog.Config;
using NLog.Layouts;
using NLog.Targets;

namespace CrmEtl.Host.Logging;

/// <summary>
/// The SRS log line: <c>[timestamp] [level] [crm/store] [event] [filename/error]</c>, on stderr (stdout stays
/// clean for --json) and in a daily rolling file under $CRMETL_HOME/logs.
/// </summary>
internal static class Log
{
    private const string Layout =
        "[${date:format=yyyy-MM-ddTHH\\:mm\\:ss.fffzzz}] [${level:uppercase=true:padding=-5}] " +
        "[${event-properties:item=scope:whenEmpty=-}] [${event-properties:item=event:whenEmpty=-}] ${message}";

    private static readonly Logger Logger = LogManager.GetLogger("crm-etl");

    /// <summary>
    /// Logs to stderr at <paramref name="consoleLevel"/> (else CRMETL_LOG_LEVEL, else Info), and everything from Debug
    /// into <paramref name="logDirectory"/> unless it is null: crm-etl.log, and with CRMETL_LOG_JSON=1 also crm-etl.jsonl
    /// (one JSON object a line, for log shippers). An operator's NLog file (CRMETL_NLOG_CONFIG, else nlog.config in the
    /// home) replaces all of that; nlog.example.config is the built-in setup written as such a file.
    /// </summary>
    public static void Configure(string? logDirectory, string? consoleLevel = null)
    {
        var level = (consoleLevel ?? Environment.GetEnvironmentVariable("CRMETL_LOG_LEVEL")) is { Length: > 0 } l
            ? LogLevel.FromString(l)
            : LogLevel.Info;
        if (logDirectory is not null && OperatorFile(logDirectory) is { } file)
        {
            try
            {
                var custom = new XmlLoggingConfiguration(file);
                custom.Variables["logDirectory"] = logDirectory;
                custom.Variables["consoleLevel"] = level.Name;
                LogManager.Configuration = custom;
                LogManager.ReconfigExistingLoggers();
                return;
            }
            catch (NLogConfigurationException e)
            {
                // a broken file must not cost the run its log: the built-in setup takes over, and says why
                Console.Error.WriteLine($"crm-etl: {file} is not a usable NLog configuration ({e.Message}); logging as built in");
            }
        }
        var config = new LoggingConfiguration();
        var console = new StderrTarget { Name = "stderr", Layout = Layout };
        config.AddRule(level, LogLevel.Fatal, console);
        if (logDirectory is null)
        {
            LogManager.Configuration = config;
            return;
        }
        config.AddRule(LogLevel.Debug, LogLevel.Fatal, DailyFile("file", Path.Combine(logDirectory, "crm-etl.log"), Layout));
        if (Environment.GetEnvironmentVariable("CRMETL_LOG_JSON") is "1" or "true")
            config.AddRule(LogLevel.Debug, LogLevel.Fatal, DailyFile("json", Path.Combine(logDirectory, "crm-etl.jsonl"), new JsonLayout
            {
                Attributes =
                {
                    new JsonAttribute("time", "${date:format=yyyy-MM-ddTHH\\:mm\\:ss.fffzzz}"),
                    new JsonAttribute("level", "${level:lowercase=true}"),
                    new JsonAttribute("scope", "${event-properties:item=scope}"),
                    new JsonAttribute("event", "${event-properties:item=event}"),
                    new JsonAttribute("message", "${message}"),
                    new JsonAttribute("pid", "${processid}") { Encode = false },
                },
            }));
        LogManager.Configuration = config;
    }

    private static FileTarget DailyFile(string name, string path, Layout layout) => new(name)
    {
        Layout = layout,
        FileName = path,
        ArchiveEvery = FileArchivePeriod.Day,
        MaxArchiveFiles = 30,
        KeepFileOpen = false,
    };

    private static string? OperatorFile(string logDirectory)
    {
        if (Environment.GetEnvironmentVariable("CRMETL_NLOG_CONFIG") is not { Length: > 0 } configured)
            return Path.Combine(Path.GetDirectoryName(logDirectory)!, "nlog.config") is var inHome && File.Exists(inHome) ? inHome : null;
        if (File.Exists(configured)) return Path.GetFullPath(configured);
        Console.Error.WriteLine($"crm-etl: CRMETL_NLOG_CONFIG names {configured}, which does not exist; logging as built in");
        return null;
    }

    public static void Debug(string scope, string evt, string message) => Write(LogLevel.Debug, scope, evt, message);

    public static void Info(string scope, string evt, string message) => Write(LogLevel.Info, scope, evt, message);

    public static void Warn(string scope, string evt, string message) => Write(LogLevel.Warn, scope, evt, message);

    public static void Error(string scope, string evt, string message) => Write(LogLevel.Error, scope, evt, message);

    public static void Flush() => LogManager.Flush();

    /// <summary>While progress is shown on the terminal, the console's log lines go through it (above its live lines).</summary>
    public static Action<string>? ConsoleWriter { get; set; }

    // stderr, or the progress display's console while one is shown (a plain console target would write through it)
    private sealed class StderrTarget : TargetWithLayout
    {
        protected override void Write(LogEventInfo logEvent)
        {
            var line = RenderLogEvent(Layout, logEvent);
            if (ConsoleWriter is { } writer) writer(line);
            else Console.Error.WriteLine(line);
        }
    }

    private static void Write(LogLevel level, string scope, string evt, string message)
    {
        var e = LogEventInfo.Create(level, Logger.Name, message);
        e.Properties["scope"] = scope;
        e.Properties["event"] = evt;
        Logger.Log(e);
    }
}
