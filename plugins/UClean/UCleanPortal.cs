using System.Text.Json;
using CrmEtl.Abstractions;
using CrmEtl.Abstractions.Portals;
using CrmEtl.PluginKit;
using Microsoft.Playwright;

namespace CrmEtl.Plugins.UClean;

/// <summary>
/// The UClean flow (../shared/spec/portals.md): the sign-in app keeps its API token in localStorage; reports
/// come from the JSON API with that token (export-report directly, or generateGST then the file).
/// </summary>
internal sealed class UCleanPortal : IPortal
{
    private static readonly string[] LoginMarkers = ["id=\"email\"", "loginForm", "Sign in"];

    public async Task LoginAsync(PortalSession session, PortalCredentials? credentials, CancellationToken ct)
    {
        var page = session.Context.Pages.FirstOrDefault() ?? await session.Context.NewPageAsync();
        await PortalChecks.GotoAsync(page, $"{session.Url("store")}/login", "open login", session.Timeouts);
        session.Log($"sign-in page open at {PortalChecks.Strip(page.Url)}");
        // An expired session's token is still in local storage: it must not pass for the new one.
        var stale = session.SavedLocalStorage(session.Url("store"), "token");
        if (credentials is not null)
        {
            await page.Locator("#email").PressSequentiallyAsync(credentials.User);
            await page.Locator("#password").PressSequentiallyAsync(credentials.Password);
            await page.Locator("button[type=submit]:visible").First.ClickAsync();
            session.Log($"sign-in submitted; now at {PortalChecks.Strip(page.Url)}");
        }
        else session.Log("waiting for a person to sign in (e-mail, password, then the OTP)");

        var deadline = DateTime.UtcNow + (credentials is null ? session.Timeouts.Login : session.Timeouts.Navigation * 3);
        var otpSent = false;
        while (DateTime.UtcNow < deadline)
        {
            ct.ThrowIfCancellationRequested();
            if (await TokenInPageAsync(page) is { } token && token != stale) return;
            if (credentials is not null && await RefusalAsync(page) is { } refused)
                throw new PortalException(PortalFailure.LoginFailed, "login", $"sign-in refused: {refused}");
            if (credentials is not null && !otpSent && await page.Locator("#otp").IsVisibleAsync())
            {
                session.Log("the portal asks for an OTP");
                await page.Locator("#otp").PressSequentiallyAsync(await credentials.Otp(ct));
                await page.Locator("button[type=submit]:visible").First.ClickAsync();
                otpSent = true;
            }
            await Task.Delay(200, ct);
        }
        var message = await page.GetByRole(AriaRole.Alert).CountAsync() > 0 ? await page.GetByRole(AriaRole.Alert).First.InnerTextAsync() : "";
        throw new PortalException(PortalFailure.SessionExpired, "login", $"sign-in did not finish (no token stored){(message.Length > 0 ? ": " + message : "")}");
    }

    public async Task DownloadAsync(PortalSession session, Dataset report, DateOnly from, DateOnly to, string targetPath, CancellationToken ct)
    {
        var store = session.Url("store");
        var token = (session.SavedState is not null ? session.SavedLocalStorage(store, "token") : await StoredTokenAsync(session.Context, store))
                    ?? throw new PortalException(PortalFailure.SessionExpired, "read session", "the saved session holds no UClean token");
        var headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}", ["Accept"] = "application/json, */*" };
        var api = session.Context.APIRequest;
        var timeout = (float)session.Timeouts.Navigation.TotalMilliseconds;
        var window = $"from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}";

        byte[] file;
        if (string.Equals(session.Store.ExportMode, "generateGST", StringComparison.OrdinalIgnoreCase))
        {
            var url = await GenerateAsync(session, api, headers, from, to, ct);
            file = await BodyAsync(await Call(() => api.GetAsync(store + url, new() { Headers = headers, Timeout = timeout }), "download"), "download");
        }
        else
        {
            var url = $"{store}/api/v1/sales/export-report?type=GST&format=excel&{window}";
            file = await BodyAsync(await Call(() => api.GetAsync(url, new() { Headers = headers, Timeout = timeout }), "export"), "export");
        }
        PortalChecks.RefuseHtml(file, "download", LoginMarkers);
        await PortalChecks.WriteAtomicallyAsync(targetPath, file, ct);
    }

    // POST generateGST until it stops saying "processing", within the report time limit.
    private static async Task<string> GenerateAsync(PortalSession session, IAPIRequestContext api, Dictionary<string, string> headers,
        DateOnly from, DateOnly to, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + session.Timeouts.Report;
        var wait = TimeSpan.FromMilliseconds(250);
        var body = new { from = from.ToString("yyyy-MM-dd"), to = to.ToString("yyyy-MM-dd") };
        while (true)
        {
            var response = await Call(() => api.PostAsync($"{session.Url("store")}/api/v1/stores/generateGST",
                new() { Headers = headers, DataObject = body, Timeout = (float)session.Timeouts.Navigation.TotalMilliseconds }), "generate");
            var json = JsonDocument.Parse(await BodyAsync(response, "generate")).RootElement;
            var status = json.TryGetProperty("status", out var s) ? s.GetString() : null;
            if (status == "success" && json.TryGetProperty("data", out var data) && data.TryGetProperty("url", out var url) && url.GetString() is { Length: > 0 } u)
                return u;
            if (status != "processing")
                throw new PortalException(PortalFailure.Changed, "generate", $"generateGST answered something unexpected: {Shorten(json.GetRawText())}");
            if (DateTime.UtcNow > deadline)
                throw new PortalException(PortalFailure.Unavailable, "generate", $"the GST report was still processing after {session.Timeouts.Report.TotalSeconds:0} s");
            session.Log("the GST report is processing");
            await Task.Delay(wait, ct);
            wait = TimeSpan.FromMilliseconds(Math.Min(2000, wait.TotalMilliseconds * 2)); // 0.25, 0.5, 1, 2, 2, ... s
        }
    }

    private static async Task<IAPIResponse> Call(Func<Task<IAPIResponse>> call, string step)
    {
        try
        {
            return await call();
        }
        catch (PlaywrightException e)
        {
            throw new PortalException(PortalFailure.Unavailable, step, $"{step}: the UClean API did not answer ({e.Message.Split('\n')[0]})", e);
        }
        catch (TimeoutException e)
        {
            throw new PortalException(PortalFailure.Unavailable, step, $"{step}: the UClean API timed out", e);
        }
    }

    private static async Task<byte[]> BodyAsync(IAPIResponse response, string step)
    {
        switch (response.Status)
        {
            case 401 or 403:
                throw new PortalException(PortalFailure.SessionExpired, step, $"{step}: the UClean API answered {response.Status} (Unauthenticated)");
            case >= 500:
                throw new PortalException(PortalFailure.Unavailable, step, $"{step}: the UClean API answered {response.Status}");
            case >= 400:
                throw new PortalException(PortalFailure.Changed, step, $"{step}: the UClean API answered {response.Status}: {Shorten(await response.TextAsync())}");
        }
        var body = await response.BodyAsync();
        PortalChecks.RefuseHtml(body, step, LoginMarkers);
        return body;
    }

    // What the sign-in page says when it refuses the login; null while it says nothing or is navigating away.
    private static async Task<string?> RefusalAsync(IPage page)
    {
        try
        {
            return (await page.GetByRole(AriaRole.Alert).AllInnerTextsAsync()).Select(t => t.Trim()).FirstOrDefault(t => t.Length > 0);
        }
        catch (PlaywrightException)
        {
            return null;
        }
    }

    private static async Task<string?> TokenInPageAsync(IPage page)
    {
        try
        {
            return await page.EvaluateAsync<string?>("() => localStorage.getItem('token')");
        }
        catch (PlaywrightException)
        {
            return null; // the page is navigating
        }
    }

    // The token the sign-in app left in localStorage, as the saved storage state carries it.
    // Without the saved state at hand, the context's own (Playwright opens a page per origin to read it).
    private static async Task<string?> StoredTokenAsync(IBrowserContext context, string store) =>
        PortalSession.LocalStorageItem(await context.StorageStateAsync(), store, "token");

    private static string Shorten(string s) => s.Length <= 200 ? s : s[..200] + "…";
}
