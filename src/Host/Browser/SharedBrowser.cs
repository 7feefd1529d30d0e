using CrmEtl.Host.Config;
using Microsoft.Playwright;

namespace CrmEtl.Host.Browser;

/// <summary>
/// One browser for a whole download run, with a context per store. It is launched when the first store needs
/// it, and again if it has died. Closing a store's context ends that store's pages without touching the others.
/// All the browser's processes end with the run, and its owner tag lets a later run end them if this host dies.
/// (Four stores in four browsers cost this 2-core machine about 4 s of CPU; one browser cost about 1.)
/// </summary>
internal sealed class SharedBrowser(IPlaywright playwright, BrowserConfig config, bool headless) : IAsyncDisposable
{
    private readonly SemaphoreSlim _launch = new(1, 1);
    private BrowserHost? _browser;

    /// <summary>The owner tag of this run's browser (see <see cref="BrowserReaper"/>).</summary>
    public static string Owner => $"{Environment.ProcessId}/run";

    /// <param name="storageState">The store's saved session (Playwright's storage state JSON).</param>
    public async Task<IBrowserContext> NewContextAsync(string storageState, CancellationToken ct)
    {
        await _launch.WaitAsync(ct);
        try
        {
            if (_browser is { Browser.IsConnected: false })
            {
                await CloseAsync(_browser);
                _browser = null;
            }
            _browser ??= await BrowserHost.LaunchAsync(playwright, config, headless, Owner, ct);
            return await _browser.NewContextAsync(storageState);
        }
        finally
        {
            _launch.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await CloseAsync(_browser);
        BrowserReaper.Kill(Owner);
        _launch.Dispose();
    }

    private static async Task CloseAsync(BrowserHost browser)
    {
        try
        {
            await browser.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException or IOException)
        {
            // already dead, or hung: the reaper ends its processes
        }
    }
}
