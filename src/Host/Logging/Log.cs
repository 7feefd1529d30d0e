using NLog;
using NLog.Config;
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
    /// into <paramref name="logDirectory"/> unless it is null.
    /// </summary>
    public static void Configure(string? logDirectory, string? consoleLevel = null)
    {
        var config = new LoggingConfiguration();
        var level = (consoleLevel ?? Environment.GetEnvironmentVariable("CRMETL_LOG_LEVEL")) is { Length: > 0 } l
            ? LogLevel.FromString(l)
            : LogLevel.Info;
        var console = new ConsoleTarget("stderr") { Layout = Layout, StdErr = true };
        config.AddRule(level, LogLevel.Fatal, console);
        if (logDirectory is null)
        {
            LogManager.Configuration = config;
            return;
        }
        var file = new FileTarget("file")
        {
            Layout = Layout,
            FileName = Path.Combine(logDirectory, "crm-etl.log"),
            ArchiveEvery = FileArchivePeriod.Day,
            MaxArchiveFiles = 30,
            KeepFileOpen = false,
        };
        config.AddRule(LogLevel.Debug, LogLevel.Fatal, file);
        LogManager.Configuration = config;
    }

    public static void Debug(string scope, string evt, string message) => Write(LogLevel.Debug, scope, evt, message);

    public static void Info(string scope, string evt, string message) => Write(LogLevel.Info, scope, evt, message);

    public static void Warn(string scope, string evt, string message) => Write(LogLevel.Warn, scope, evt, message);

    public static void Error(string scope, string evt, string message) => Write(LogLevel.Error, scope, evt, message);

    public static void Flush() => LogManager.Flush();

    /// <summary>Called before each line is written: a progress line on the terminal clears itself out of the way.</summary>
    public static Action? BeforeWrite { get; set; }

    private static void Write(LogLevel level, string scope, string evt, string message)
    {
        var e = LogEventInfo.Create(level, Logger.Name, message);
        e.Properties["scope"] = scope;
        e.Properties["event"] = evt;
        BeforeWrite?.Invoke();
        Logger.Log(e);
    }
}
