using CrmEtl.Abstractions.Portals;
using CrmEtl.Host.Browser;
using CrmEtl.Host.Cli;
using CrmEtl.Host.Config;
using CrmEtl.Host.Logging;

namespace CrmEtl.Host.Commands;

/// <summary>
/// The one headed login per store. A person logs in (OTP included) in the window that opens; or, for the
/// sandbox and tests, CRMETL_BOOTSTRAP_USER / _PASSWORD / _PIN / _OTP script it. The session is saved to
/// the store's profile file, mode 0600.
/// </summary>
internal static class BootstrapCommand
{
    /// <summary>The command a person runs to log a store in again (status, alerts, failed downloads, the web page say it).</summary>
    public static string For(string crm, string store) => $"./crm-etl bootstrap --crm {crm} --store {store}";

    public static async Task<int> RunAsync(HostContext host, BootstrapOptions options, CancellationToken ct)
    {
        var store = DownloadCommand.Select(host.Config, options.Crm, options.Store).Single();
        var credentials = FromEnvironment();
        if (options.Headless && credentials is null)
            throw new UsageException("--headless needs a scripted login (CRMETL_BOOTSTRAP_USER and CRMETL_BOOTSTRAP_PASSWORD); a person needs the window");
        var path = await RunAsync(host, host.Config, store, options.Headless, credentials, ct);
        Console.WriteLine($"saved the session of {store.Crm}/{store.Id} to {path}");
        return 0;
    }

    public static async Task<string> RunAsync(HostContext host, CrmEtlConfig config, StoreConfig store, bool headless,
        PortalCredentials? credentials, CancellationToken ct)
    {
        var plugin = host.Plugins.Get(store.Crm);
        var portal = plugin.Plugin.Portal ?? throw new UsageException($"the {plugin.Info.DisplayName} plugin has no portal to log in to");
        var scope = $"{store.Crm}/{store.Id}";
        var path = config.ProfilePath(store);
        Log.Info(scope, "bootstrap.start", headless ? "scripted login" : "opening the login page in a browser window");
        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await BrowserHost.LaunchAsync(playwright, config.Browser, headless, BrowserReaper.Owner(store.Crm, store.Id), ct);
        var urls = config.UrlsFor(store.Crm);
        await using var context = await browser.NewContextAsync(File.Exists(path) ? await ProfileStore.LoadAsync(path, urls.Values, scope, ct) : null);
        var session = new PortalSession(context, new PortalStore(store.Crm, store.Id, store.Code, store.Name, store.ExportMode),
            urls,
            new PortalTimeouts
            {
                Navigation = TimeSpan.FromSeconds(config.Timeouts.NavigationSeconds),
                Login = TimeSpan.FromMinutes(config.Timeouts.LoginMinutes),
            },
            message => Log.Info(scope, "bootstrap", message));
        try
        {
            await portal.LoginAsync(session, credentials, ct);
        }
        catch (PortalException e)
        {
            throw new InvalidOperationException($"{scope}: {e.Message}", e);
        }
        await ProfileStore.SaveAsync(context, path, ct);
        Log.Info(scope, "bootstrap.saved", path);
        return path;
    }

    private static PortalCredentials? FromEnvironment()
    {
        var user = Environment.GetEnvironmentVariable("CRMETL_BOOTSTRAP_USER");
        var password = Environment.GetEnvironmentVariable("CRMETL_BOOTSTRAP_PASSWORD");
        if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(password)) return null;
        return new PortalCredentials(user, password, Environment.GetEnvironmentVariable("CRMETL_BOOTSTRAP_PIN"), _ =>
        {
            if (Environment.GetEnvironmentVariable("CRMETL_BOOTSTRAP_OTP") is { Length: > 0 } otp) return Task.FromResult(otp);
            if (Console.IsInputRedirected) throw new InvalidOperationException("the portal asks for an OTP: set CRMETL_BOOTSTRAP_OTP or run from a terminal");
            Console.Error.Write("OTP: ");
            return Task.FromResult(Console.ReadLine()?.Trim() ?? "");
        });
    }
}
