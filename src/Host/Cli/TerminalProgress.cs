using System.Diagnostics;
using System.Globalization;
using CrmEtl.Host.Ingestion;
using CrmEtl.Host.Logging;

namespace CrmEtl.Host.Cli;

/// <summary>
/// One status line on stderr, rewritten in place at most four times a second: rows read, their rate, the step. Only on
/// a terminal: never in --json output, never into a log file or a pipe (cron mails stderr).
/// </summary>
internal sealed class TerminalProgress : IIngestProgress, IDisposable
{
    private readonly string _label;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private long _rows;
    private long _shownAt = -1000;
    private bool _shown;

    private TerminalProgress(string label)
    {
        _label = label;
        Log.BeforeWrite = Clear;
    }

    /// <summary>A progress line for this load, or null when stderr is not a terminal or the output is JSON.</summary>
    public static TerminalProgress? ForStderr(string label, bool json) =>
        json || Console.IsErrorRedirected || Environment.GetEnvironmentVariable("TERM") == "dumb" ? null : new TerminalProgress(label);

    public void RowsRead(long rows)
    {
        _rows = rows;
        Show($"{rows.ToString("N0", CultureInfo.InvariantCulture)} rows read", force: false);
    }

    public void Step(string step) => Show($"{_rows.ToString("N0", CultureInfo.InvariantCulture)} rows read, {step}", force: true);

    private void Show(string what, bool force)
    {
        lock (_gate)
        {
            var now = _clock.ElapsedMilliseconds;
            if (!force && now - _shownAt < 250) return;
            _shownAt = now;
            var seconds = now / 1000.0;
            var rate = seconds > 0.5 ? $", {(_rows / seconds).ToString("N0", CultureInfo.InvariantCulture)} rows/s" : "";
            Console.Error.Write($"\r{_label}: {what}{rate} ({seconds.ToString("0.0", CultureInfo.InvariantCulture)} s)\u001b[K");
            _shown = true;
        }
    }

    /// <summary>Clears the line, so the run's summary starts on a clean one.</summary>
    public void Dispose()
    {
        Log.BeforeWrite = null;
        Clear();
    }

    private void Clear()
    {
        lock (_gate)
        {
            if (_shown) Console.Error.Write("\r\u001b[K");
            _shown = false;
        }
    }
}
