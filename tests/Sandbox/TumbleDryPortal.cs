using System.Globalization;
using System.Net;

namespace CrmEtl.Sandbox;

/// <summary>The TumbleDry hosts: subs (login, OTP, licence, home, OrderReport.aspx) and reports (the iframe report page).</summary>
internal static class TumbleDryPortal
{
    private const string SessionCookie = "ASP.NET_SessionId";
    private const string DeviceCookie = "qdc_device";
    private const string PendingCookie = "qdc_pending";
    private const string ReportCookie = "rpt_sid";

    public static void MapSubs(WebApplication app, SandboxState state, Func<string> reportsBase)
    {
        app.MapGet("/", () => Results.Redirect("/Login"));
        app.MapGet("/Login", () => Html.Page("Login", Html.TdLoginForm(null)));
        app.MapPost("/Login", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            state.Hit(form["pin"].ToString(), "login");
            var account = SandboxAccount.All.FirstOrDefault(a => a.Crm == "td" && a.User == form["user"] &&
                a.Password == form["password"] && string.Equals(a.StoreCode, form["pin"], StringComparison.OrdinalIgnoreCase));
            if (account is null) return Html.Page("Login", Html.TdLoginForm("Invalid User Id, Password or Branch Pin"), 200);
            if (http.Request.Cookies[DeviceCookie] is { } device && state.TrustedDevices.ContainsKey(device))
                return SignIn(http, state, account.StoreCode);
            var pending = SandboxState.NewId();
            state.PendingOtp[pending] = account.StoreCode;
            http.Response.Cookies.Append(PendingCookie, pending);
            return Results.Redirect("/App/frmVerification");
        });
        app.MapGet("/App/frmVerification", (HttpContext http) => Html.Page("Verification", Verification(null)));
        app.MapPost("/App/frmVerification", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            if (http.Request.Cookies[PendingCookie] is not { } pending || !state.PendingOtp.TryGetValue(pending, out var store))
                return Results.Redirect("/Login");
            if (form["otp"] != state.Knobs.Otp) return Html.Page("Verification", Verification("Invalid OTP"));
            state.PendingOtp.TryRemove(pending, out _);
            var device = SandboxState.NewId();
            state.TrustedDevices[device] = "td";
            http.Response.Cookies.Append(DeviceCookie, device, new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1) });
            return SignIn(http, state, store);
        });
        app.MapGet("/App/frmLicence", () => Html.Page("Licence", """
            <h1>Licence renewal due</h1><p>Your software licence is due for renewal.</p>
            <form method="post" action="/App/frmLicence"><input id="btnPayLater" type="submit" value="Pay Later"></form>
            """));
        app.MapPost("/App/frmLicence", (HttpContext http) =>
            Session(http, state) is { } store ? Results.Redirect($"/{store}/App/home") : Results.Redirect("/Login"));
        app.MapGet("/{code}/App/home", (string code, HttpContext http) =>
            Session(http, state) is { } store && Same(store, code)
                ? Html.Page("Home", $"<h1>Welcome, branch {code}</h1><a href=\"/{code}/App/Reports/OrderReport.aspx\">Order Report</a>{Popup(state, store)}")
                : Results.Redirect("/Login"));
        MapSubsReport(app, state, reportsBase, "/{code}/App/Reports/OrderReport.aspx", "Order Report", "order-report");
        MapSubsReport(app, state, reportsBase, "/{code}/App/Reports/NEWSalesAndDeliveryReport", "Sales & Delivery Report", "sales-report");
        MapAdmin(app, state);
    }

    // A subs report page: the report frame points at the reports host with a fresh token.
    private static void MapSubsReport(WebApplication app, SandboxState state, Func<string> reportsBase, string path, string title, string report)
    {
        app.MapGet(path, (string code, HttpContext http) =>
        {
            if (Session(http, state) is not { } store || !Same(store, code)) return Results.Redirect("/Login");
            var token = SandboxState.NewId();
            state.ReportTokens[token] = store;
            var src = $"{reportsBase()}/en/{report}?token={token}";
            var popup = Popup(state, store);
            // With the popup up, the report frame loads only once the popup is closed (as the portal's script does).
            var frame = popup.Length == 0 ? $"src=\"{src}\"" : $"data-src=\"{src}\"";
            return Html.Page(title, $$"""
                <h1>{{title}}</h1>
                <iframe id="ifrmReport" {{frame}} width="900" height="500"></iframe>
                {{popup}}
                <script>function closeOverdue() { document.getElementById('pnlOrderOverDuePopup').remove();
                  const f = document.getElementById('ifrmReport'); if (f.dataset.src) f.src = f.dataset.src; }</script>
                """);
        });
    }

    public static void MapReports(WebApplication app, SandboxState state)
    {
        MapReport(app, state, "order-report", "Order Report", _ => "order-report.xlsx", ReportFiles.TumbleDry);
        // The real portal names this file at random at times: the plugin must not rely on the name.
        MapReport(app, state, "sales-report", "Sales & Delivery Report",
            job => job[0] % 2 == 0 ? "sales-report.xlsx" : $"1170-{SandboxState.NewId()[..20]}.xlsx", ReportFiles.TumbleDrySales);
        MapAdmin(app, state);
    }

    private static void MapReport(WebApplication app, SandboxState state, string report, string title, Func<string, string> fileName,
        Func<SandboxState, string, DateOnly, DateOnly, byte[]> build)
    {
        app.MapGet($"/en/{report}", (HttpContext http, string? token) =>
        {
            string? store = null;
            if (token is not null && state.ReportTokens.TryGetValue(token, out var byToken))
            {
                store = byToken;
                var sid = SandboxState.NewId();
                state.ReportSessions[sid] = store;
                http.Response.Cookies.Append(ReportCookie, sid);
            }
            else if (http.Request.Cookies[ReportCookie] is { } sid && state.ReportSessions.TryGetValue(sid, out var bySession))
                store = bySession;
            if (store is null) return Expired();
            return Html.Page(title, $$"""
                <h2>{{title}}</h2>
                <p><label for="txtFromDate">From</label><input id="txtFromDate" type="text" placeholder="dd MMM yyyy"></p>
                <p><label for="txtToDate">To</label><input id="txtToDate" type="text" placeholder="dd MMM yyyy"></p>
                <p><button id="btnExport" type="button">Export</button></p>
                <p id="lblStatus" role="status"></p>
                <script>
                const status = document.getElementById('lblStatus');
                document.getElementById('btnExport').onclick = async () => {
                  status.textContent = 'Preparing report...';
                  const r = await fetch('/en/{{report}}/prepare', { method: 'POST', headers: { 'content-type': 'application/json' },
                    body: JSON.stringify({ from: txtFromDate.value, to: txtToDate.value }) });
                  if (r.status === 401) { status.textContent = 'Your session has expired. Please login again.'; return; }
                  if (!r.ok) { status.textContent = 'Error ' + r.status + ': the report could not be generated.'; return; }
                  const { job } = await r.json();
                  while (!(await (await fetch('/en/{{report}}/status?job=' + job)).json()).ready)
                    await new Promise(res => setTimeout(res, 300));
                  status.textContent = 'Report ready';
                  location.href = '/en/{{report}}/download?job=' + job;
                };
                </script>
                """);
        });
        app.MapPost($"/en/{report}/prepare", async (HttpContext http) =>
        {
            if (ReportSession(http, state) is not { } store) return Results.Json(new { message = "Session expired" }, statusCode: 401);
            var body = await http.Request.ReadFromJsonAsync<Dictionary<string, string>>();
            if (!TryDate(body?.GetValueOrDefault("from"), out var from) || !TryDate(body?.GetValueOrDefault("to"), out var to) || from > to)
                return Results.Json(new { message = "Invalid date range" }, statusCode: 400);
            await Slow(state, store);
            if (state.ShouldFail(store)) return Results.StatusCode(503);
            var job = SandboxState.NewId();
            var delay = state.Knobs.Applies(store) ? state.Knobs.ReportDelaySeconds : Math.Min(0.5, state.Knobs.ReportDelaySeconds);
            state.Jobs[job] = new ReportJob(store, from, to, DateTime.UtcNow.AddSeconds(delay));
            return Results.Json(new { job });
        });
        app.MapGet($"/en/{report}/status", (string job) =>
            Results.Json(new { ready = state.Jobs.TryGetValue(job, out var j) && DateTime.UtcNow >= j.ReadyAtUtc }));
        app.MapGet($"/en/{report}/download", (HttpContext http, string job) =>
        {
            if (ReportSession(http, state) is not { } store || !state.Jobs.TryGetValue(job, out var j) || j.StoreCode != store) return Expired();
            state.Hit(store, report == "order-report" ? "download" : report);
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName(job)}\"";
            if (state.Knobs.HtmlInsteadOfFile && state.Knobs.Applies(store))
                return Html.Page("Login", Html.TdLoginForm("Your session has expired"));
            return Results.Bytes(build(state, store, j.From, j.To), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        });
    }

    private static IResult SignIn(HttpContext http, SandboxState state, string store)
    {
        var sid = SandboxState.NewId();
        state.SubsSessions[sid] = store;
        http.Response.Cookies.Append(SessionCookie, sid);
        return Results.Redirect(state.Knobs.LicencePage ? "/App/frmLicence" : $"/{store}/App/home");
    }

    private static string? Session(HttpContext http, SandboxState state) =>
        http.Request.Cookies[SessionCookie] is { } sid && state.SubsSessions.TryGetValue(sid, out var store) ? store : null;

    private static string? ReportSession(HttpContext http, SandboxState state) =>
        http.Request.Cookies[ReportCookie] is { } sid && state.ReportSessions.TryGetValue(sid, out var store) ? store : null;

    private static string Popup(SandboxState state, string store) =>
        state.Knobs.Popup is "closable" or "sticky" && state.Knobs.Applies(store) ? Html.OverduePopup(state.Knobs.Popup == "sticky") : "";

    private static string Verification(string? error) => $"""
        <h1>Verify this device</h1>
        {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{WebUtility.HtmlEncode(error)}</p>")}
        <form method="post" action="/App/frmVerification">
          <p><label for="txtOTP">OTP</label><input id="txtOTP" name="otp" type="text"></p>
          <p><input id="btnVerify" type="submit" value="Verify"></p>
        </form>
        """;

    private static IResult Expired() =>
        Html.Page("Session expired", "<h2>Your session has expired. Please login again from the main portal.</h2>", 401);

    private static bool TryDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text?.Trim(), "dd MMM yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    internal static Task Slow(SandboxState state, string store) =>
        state.Knobs.SlowMs > 0 && state.Knobs.Applies(store) ? Task.Delay(state.Knobs.SlowMs) : Task.CompletedTask;

    internal static void MapAdmin(WebApplication app, SandboxState state)
    {
        app.MapPost("/__admin/knobs", async (HttpContext http) =>
        {
            var json = await http.Request.ReadFromJsonAsync<System.Text.Json.JsonElement>();
            KnobSetter.Apply(state.Knobs, json);
            return Results.Json(state.Knobs);
        });
        app.MapGet("/__admin/knobs", () => Results.Json(state.Knobs));
        app.MapPost("/__admin/expire", (string? store) =>
        {
            state.Expire(store);
            return Results.Ok(new { expired = store ?? "all" });
        });
        app.MapGet("/__admin/hits", () => Results.Json(state.Hits));
    }
}
