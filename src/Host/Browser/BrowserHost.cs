using System.Collections;
using CrmEtl.Host.Config;
using Microsoft.Playwright;

namespace CrmEtl.Host.Browser;

/// <summary>
/// A browser (Debian's Chromium via ExecutablePath, or a channel such as "chrome") with a context per store
/// loaded from its storage state, started through a Playwright driver the caller owns (one per run).
/// Headed without a display, it brings its own Xvfb.
/// </summary>
internal sealed class BrowserHost : IAsyncDisposable
{
    // Without these, Chromium keeps calling out to Google's services, which a closed network refuses.
    private static readonly string[] Args =
        ["--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic", "--disable-gpu"];

    private readonly XvfbDisplay? _display;

    private BrowserHost(IBrowser browser, XvfbDisplay? display)
    {
        Browser = browser;
        _display = display;
    }

    public IBrowser Browser { get; }

    /// <param name="owner">Tag on the browser's command line (see <see cref="BrowserReaper"/>).</param>
    public static async Task<BrowserHost> LaunchAsync(IPlaywright playwright, BrowserConfig config, bool headless, string owner, CancellationToken ct)
    {
        XvfbDisplay? display = null;
        var options = new BrowserTypeLaunchOptions { Headless = headless, Args = [.. Args, .. config.Args, BrowserReaper.Flag + owner], Timeout = 60_000 };
        if (!headless && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")))
        {
            display = await XvfbDisplay.StartAsync(ct);
            var env = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
                .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
            env["DISPLAY"] = display.Name;
            options.Env = env;
        }
        if (config.Channel is { Length: > 0 } channel) options.Channel = channel;
        else
        {
            if (!File.Exists(config.ExecutablePath))
                throw new InvalidOperationException($"no browser at {config.ExecutablePath}: install the Debian package 'chromium' (./crm-etl does), " +
                                                    "or set browser.executablePath / browser.channel in crm-etl.json");
            options.ExecutablePath = config.ExecutablePath;
        }

        try
        {
            return new BrowserHost(await playwright.Chromium.LaunchAsync(options), display);
        }
        catch
        {
            display?.Dispose();
            throw;
        }
    }

    /// <param name="storageState">A saved session (Playwright's storage state JSON), or null for a fresh one.</param>
    public Task<IBrowserContext> NewContextAsync(string? storageState) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            StorageState = storageState,
            AcceptDownloads = true,
            Locale = "en-IN",
            TimezoneId = "Asia/Kolkata",
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
        });

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Browser.CloseAsync();
        }
        finally
        {
            _display?.Dispose();
        }
    }
}
