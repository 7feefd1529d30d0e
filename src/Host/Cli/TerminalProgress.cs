using System.Diagnostics;
using System.Globalization;
using CrmEtl.Host.Downloads;
using CrmEtl.Host.Ingestion;
using CrmEtl.Host.Logging;
using Spectre.Console;

namespace CrmEtl.Host.Cli;

/// <summary>
/// Progress on stderr with Spectre.Console: for a load, rows read, their rate and the step; for downloads, each store's
/// windows done of windows to do. Only on a terminal: never in --json output, never into a log file or a pipe (cron
/// mails stderr). Log lines go above the bars while they are shown.
/// </summary>
internal sealed class TerminalProgress : IIngestProgress, IDownloadProgress
{
    private readonly ProgressContext _context;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, ProgressTask> _stores = new();
    private readonly Lock _gate = new();
    private ProgressTask? _load;
    private string _label = "";
    private long _rows;

    private TerminalProgress(ProgressContext context) => _context = context;

    /// <summary>Whether progress is shown: stderr is a terminal and the output is not JSON.</summary>
    public static bool Wanted(bool json) =>
        !json && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb";

    /// <summary>Runs <paramref name="work"/> with progress on the terminal (or with none, when not <see cref="Wanted"/>).</summary>
    public static async Task<T> RunAsync<T>(bool json, Func<TerminalProgress?, Task<T>> work, bool bars = false)
    {
        if (!Wanted(json)) return await work(null);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Error), Ansi = AnsiSupport.Detect, Interactive = InteractionSupport.Yes,
        });
        ProgressColumn[] columns = bars
            ? [new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 20 }, new ElapsedTimeColumn()]
            : [new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ElapsedTimeColumn()];
        var result = default(T)!;
        Log.ConsoleWriter = line => console.WriteLine(line, Style.Plain); // above the live lines, not through them
        try
        {
            await console.Progress().AutoClear(true).Columns(columns).StartAsync(async context => result = await work(new TerminalProgress(context)));
        }
        finally
        {
            Log.ConsoleWriter = null;
        }
        return result;
    }

    /// <summary>A load's line: <paramref name="label"/> (the source and file), then rows read and the step.</summary>
    public TerminalProgress Load(string label)
    {
        _label = label;
        _load = _context.AddTask(Markup.Escape(label)).IsIndeterminate();
        return this;
    }

    public void RowsRead(long rows)
    {
        _rows = rows;
        Describe(null);
    }

    public void Step(string step) => Describe(step);

    private void Describe(string? step)
    {
        var seconds = _clock.Elapsed.TotalSeconds;
        var rate = seconds > 0.5 && step is null ? $", {(_rows / seconds).ToString("N0", CultureInfo.InvariantCulture)} rows/s" : "";
        var text = $"{_label}: {_rows.ToString("N0", CultureInfo.InvariantCulture)} rows read{rate}{(step is null ? "" : ", " + step)}";
        if (_load is not null) _load.Description = Markup.Escape(text);
    }

    public void Planned(string store, int windows)
    {
        lock (_gate) _stores[store] = _context.AddTask(Markup.Escape($"{store}: 0 of {windows} windows"), maxValue: Math.Max(1, windows));
    }

    public void WindowDone(string store, string status)
    {
        lock (_gate)
        {
            if (!_stores.TryGetValue(store, out var task)) return;
            task.Increment(1);
            task.Description = Markup.Escape($"{store}: {task.Value:0} of {task.MaxValue:0} windows ({status})");
        }
    }

    public void StoreEnded(string store, string? failure)
    {
        lock (_gate)
        {
            if (!_stores.TryGetValue(store, out var task)) return;
            if (failure is not null) task.Description = Markup.Escape($"{store}: {task.Value:0} of {task.MaxValue:0} windows, then {failure}");
            task.StopTask();
        }
    }
}
