using System.Globalization;
using System.Text.RegularExpressions;
using CrmEtl.Abstractions;
using CrmEtl.Abstractions.Portals;
using CrmEtl.PluginKit;
using Microsoft.Playwright;

namespace CrmEtl.Plugins.TumbleDry;

/// <summary>
/// The TumbleDry flow (../shared/spec/portals.md): a subs report page (OrderReport.aspx, NEWSalesAndDeliveryReport)
/// hands a token to the reports host in the #ifrmReport iframe; the report page takes From/To dates, prepares the
/// file, then downloads it (under whatever name: the file is saved under the host's canonical one).
/// </summary>
internal sealed partial class TumbleDryPortal : IPortal
{
    private static readonly string[] LoginMarkers = ["txtUserId", "frmVerification", "session has expired"];

    public async Task LoginAsync(PortalSession session, PortalCredentials? credentials, CancellationToken ct)
    {
        var subs = session.Url("subs");
        var page = session.Context.Pages.FirstOrDefault() ?? await session.Context.NewPageAsync();
        await PortalChecks.GotoAsync(page, $"{subs}/Login", "open login", session.Timeouts);
        session.Log($"login page open at {PortalChecks.Strip(page.Url)}");
        if (credentials is not null)
        {
            await (await RequiredAsync(page, "#txtUserId", "login")).PressSequentiallyAsync(credentials.User);
            await (await RequiredAsync(page, "#txtPassword", "login")).PressSequentiallyAsync(credentials.Password);
            await (await RequiredAsync(page, "#txtBranchPin", "login")).PressSequentiallyAsync(credentials.Pin ?? session.Store.Code);
            await page.Locator("#btnLogin").ClickAsync();
            session.Log($"login submitted; now at {PortalChecks.Strip(page.Url)}");
        }
        else session.Log("waiting for a person to log in (user id, password, branch pin, then the OTP)");

        var deadline = DateTime.UtcNow + (credentials is null ? session.Timeouts.Login : session.Timeouts.Navigation * 3);
        var otpSent = false;
        while (DateTime.UtcNow < deadline)
        {
            ct.ThrowIfCancellationRequested();
            var path = new Uri(page.Url).AbsolutePath;
            if (path.EndsWith("/App/home", StringComparison.OrdinalIgnoreCase)) return;
            if (credentials is not null && await page.GetByRole(AriaRole.Alert).CountAsync() > 0)
                throw new PortalException(PortalFailure.LoginFailed, "login",
                    $"login refused: {await page.GetByRole(AriaRole.Alert).First.InnerTextAsync()}");
            if (path.EndsWith("/App/frmVerification", StringComparison.OrdinalIgnoreCase) && credentials is not null && !otpSent)
            {
                session.Log("the portal asks for an OTP");
                var otp = await credentials.Otp(ct);
                await page.Locator("form input[type=text]").First.PressSequentiallyAsync(otp);
                await page.Locator("form [type=submit]").First.ClickAsync();
                otpSent = true;
            }
            else if (path.EndsWith("/App/frmLicence", StringComparison.OrdinalIgnoreCase))
            {
                await page.Locator("#btnPayLater").ClickAsync();
            }
            await Task.Delay(200, ct);
        }
        throw new PortalException(PortalFailure.SessionExpired, "login", $"login did not reach the home page (still at {PortalChecks.Strip(page.Url)})");
    }

    public async Task DownloadAsync(PortalSession session, Dataset report, DateOnly from, DateOnly to, string targetPath, CancellationToken ct)
    {
        var page = await session.Context.NewPageAsync();
        try
        {
            var reportUrl = await OpenReportAsync(session, page, SubsPage(report));
            var response = await PortalChecks.GotoAsync(page, reportUrl, "open report page", session.Timeouts);
            if (response is { Status: 401 } || await page.GetByText(ExpiredText()).CountAsync() > 0)
                throw new PortalException(PortalFailure.SessionExpired, "open report page", "the reports host says the session has expired");

            await Fill(page, "From", from);
            await Fill(page, "To", to);
            var export = page.GetByRole(AriaRole.Button, new() { Name = "Export" });
            if (await export.CountAsync() == 0) throw Changed("export", "no 'Export' button on the report page");

            session.Log($"exporting {from:yyyy-MM-dd}..{to:yyyy-MM-dd}");
            var download = page.WaitForDownloadAsync(new() { Timeout = (float)session.Timeouts.Report.TotalMilliseconds });
            await export.ClickAsync();
            await WaitForFileAsync(page, download, session.Timeouts.Report, ct);
            var file = await download;
            if (await file.FailureAsync() is { } failure)
                throw new PortalException(PortalFailure.Unavailable, "download", $"the download failed: {failure}");
            await file.SaveAsAsync(targetPath + ".part");
            await using (var head = File.OpenRead(targetPath + ".part"))
            {
                var buffer = new byte[4096];
                var read = await head.ReadAsync(buffer, ct);
                PortalChecks.RefuseHtml(buffer.AsSpan(0, read), "download", LoginMarkers);
            }
            File.Move(targetPath + ".part", targetPath, overwrite: true);
        }
        finally
        {
            File.Delete(targetPath + ".part");
            await page.CloseAsync();
        }
    }

    // The subs page of each of the plugin's reports.
    private static (string Path, string Step) SubsPage(Dataset report) => report.ReportType switch
    {
        "OrderReport" => ("App/Reports/OrderReport.aspx", "open order report"),
        "SalesReport" => ("App/Reports/NEWSalesAndDeliveryReport", "open sales report"),
        _ => throw Changed("open report", $"TumbleDry has no report '{report.Name}'"),
    };

    // A subs report page: closes the overdue popup if it is up, then reads the report frame's address.
    private static async Task<string> OpenReportAsync(PortalSession session, IPage page, (string Path, string Step) subsPage)
    {
        var step = subsPage.Step;
        var url = $"{session.Url("subs")}/{session.Store.Code}/{subsPage.Path}";
        await PortalChecks.GotoAsync(page, url, step, session.Timeouts);
        var path = new Uri(page.Url).AbsolutePath;
        if (path.EndsWith("/Login", StringComparison.OrdinalIgnoreCase) || path.Contains("/App/frmVerification", StringComparison.OrdinalIgnoreCase) ||
            await page.Locator("#txtUserId").CountAsync() > 0)
            throw new PortalException(PortalFailure.SessionExpired, step, "the portal sent the saved session back to its login page");

        var popup = page.Locator("#pnlOrderOverDuePopup");
        if (await popup.IsVisibleAsync())
        {
            session.Log("closing the overdue-orders popup");
            var close = popup.GetByRole(AriaRole.Button, new() { Name = "Close" });
            if (await close.CountAsync() > 0) await close.First.ClickAsync(new() { Timeout = 5000 });
            try
            {
                await popup.WaitForAsync(new() { State = WaitForSelectorState.Hidden, Timeout = 3000 });
            }
            catch (TimeoutException)
            {
                throw new PortalException(PortalFailure.Blocked, "close popup", "the overdue-orders popup (#pnlOrderOverDuePopup) could not be closed");
            }
        }

        var frame = page.Locator("#ifrmReport");
        if (await frame.CountAsync() == 0) throw Changed(step, $"no report frame #ifrmReport on {subsPage.Path}");
        var deadline = DateTime.UtcNow + session.Timeouts.Navigation;
        while (DateTime.UtcNow < deadline)
        {
            var src = await frame.GetAttributeAsync("src");
            if (!string.IsNullOrWhiteSpace(src) && !src.StartsWith("about:", StringComparison.Ordinal)) return new Uri(new Uri(page.Url), src).ToString();
            await Task.Delay(100);
        }
        throw Changed(step, "the report frame #ifrmReport never got its address");
    }

    private static async Task Fill(IPage page, string label, DateOnly date)
    {
        var input = page.GetByLabel(label, new() { Exact = true });
        if (await input.CountAsync() == 0) throw Changed("choose dates", $"no '{label}' date input on the report page");
        await input.FillAsync(date.ToString("dd MMM yyyy", CultureInfo.InvariantCulture));
    }

    // The report is prepared asynchronously; an error or an expiry shows on the page instead of a download.
    private static async Task WaitForFileAsync(IPage page, Task<IDownload> download, TimeSpan limit, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!download.IsCompleted)
        {
            ct.ThrowIfCancellationRequested();
            var status = page.GetByRole(AriaRole.Status);
            var text = await status.CountAsync() > 0 ? await status.First.InnerTextAsync() : "";
            if (ErrorText().IsMatch(text)) throw new PortalException(PortalFailure.Unavailable, "export", $"the report page says: {text}");
            if (ExpiredText().IsMatch(text)) throw new PortalException(PortalFailure.SessionExpired, "export", $"the report page says: {text}");
            if (DateTime.UtcNow > deadline)
                throw new PortalException(PortalFailure.Unavailable, "export", $"no file {limit.TotalSeconds:0} s after Export (the page says: '{text}')");
            await Task.WhenAny(download, Task.Delay(250, ct));
        }
    }

    private static async Task<ILocator> RequiredAsync(IPage page, string selector, string step)
    {
        var locator = page.Locator(selector);
        if (await locator.CountAsync() == 0) throw Changed(step, $"no {selector} on {PortalChecks.Strip(page.Url)}");
        return locator;
    }

    private static PortalException Changed(string step, string message) => new(PortalFailure.Changed, step, message);

    [GeneratedRegex(@"\berror\b", RegexOptions.IgnoreCase)]
    private static partial Regex ErrorText();

    [GeneratedRegex(@"session\s+(has\s+)?expired", RegexOptions.IgnoreCase)]
    private static partial Regex ExpiredText();
}
