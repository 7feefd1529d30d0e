namespace CrmEtl.Sandbox;

/// <summary>The UClean store host: the sign-in app (token in localStorage) and its JSON API.</summary>
internal static class UCleanPortal
{
    private const string DeviceCookie = "uc_device";
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static void Map(WebApplication app, SandboxState state)
    {
        app.MapGet("/", () => Results.Redirect("/login"));
        app.MapGet("/login", () => Html.Page("Sign in", Html.UcLoginPage));
        app.MapGet("/dashboard", () => Html.Page("Dashboard", """
            <h1 id="title">Dashboard</h1>
            <script>
            fetch('/api/v1/me', { headers: { Authorization: 'Bearer ' + localStorage.getItem('token') } })
              .then(r => r.ok ? r.json() : Promise.reject(r))
              .then(j => document.getElementById('title').textContent = 'Store ' + j.store)
              .catch(() => location.href = '/login');
            </script>
            """));

        app.MapPost("/api/v1/auth/login", async (HttpContext http) =>
        {
            var body = await http.Request.ReadFromJsonAsync<Dictionary<string, string>>();
            var user = SandboxAccount.All.FirstOrDefault(a => a.Crm == "uc" && string.Equals(a.User, body?.GetValueOrDefault("email"), StringComparison.OrdinalIgnoreCase));
            state.Hit(user?.StoreCode ?? "unknown", "login");
            var account = SandboxAccount.All.FirstOrDefault(a => a.Crm == "uc" &&
                string.Equals(a.User, body?.GetValueOrDefault("email"), StringComparison.OrdinalIgnoreCase) &&
                a.Password == body?.GetValueOrDefault("password"));
            if (account is null) return Results.Json(new { message = "These credentials do not match our records." }, statusCode: 422);
            if (http.Request.Cookies[DeviceCookie] is { } device && state.TrustedDevices.ContainsKey(device))
                return Results.Json(new { token = Issue(state, account.StoreCode) });
            var pending = SandboxState.NewId();
            state.PendingOtp[pending] = account.StoreCode;
            return Results.Json(new { status = "otp_required", pending });
        });
        app.MapPost("/api/v1/auth/otp", async (HttpContext http) =>
        {
            var body = await http.Request.ReadFromJsonAsync<Dictionary<string, string>>();
            if (body?.GetValueOrDefault("pending") is not { } pending || !state.PendingOtp.TryGetValue(pending, out var store))
                return Results.Json(new { message = "Start again" }, statusCode: 422);
            if (body.GetValueOrDefault("otp") != state.Knobs.Otp) return Results.Json(new { message = "Invalid OTP" }, statusCode: 422);
            state.PendingOtp.TryRemove(pending, out _);
            var device = SandboxState.NewId();
            state.TrustedDevices[device] = "uc";
            http.Response.Cookies.Append(DeviceCookie, device, new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1) });
            return Results.Json(new { token = Issue(state, store) });
        });
        app.MapGet("/api/v1/me", (HttpContext http) =>
            Caller(http, state) is { } store ? Results.Json(new { store }) : Unauthenticated());

        app.MapGet("/api/v1/sales/export-report", async (HttpContext http, string? type, string? format, DateOnly from, DateOnly to) =>
        {
            if (Caller(http, state) is not { } store) return Unauthenticated();
            if (type != "GST" || format != "excel") return Results.Json(new { message = "Unsupported report" }, statusCode: 422);
            await TumbleDryPortal.Slow(state, store);
            if (state.ShouldFail(store)) return Results.Json(new { message = "Server Error" }, statusCode: 503);
            state.Hit(store, "export-report");
            if (state.Knobs.HtmlInsteadOfFile && state.Knobs.Applies(store)) return Html.Page("Sign in", Html.UcLoginPage);
            http.Response.Headers.ContentDisposition = $"attachment; filename=GST_Report_{from:yyyy-MM-dd}_to_{to:yyyy-MM-dd}.xlsx";
            return Results.Bytes(ReportFiles.UClean(state, store, from, to), Xlsx);
        });
        app.MapPost("/api/v1/stores/generateGST", async (HttpContext http) =>
        {
            if (Caller(http, state) is not { } store) return Unauthenticated();
            var body = await http.Request.ReadFromJsonAsync<Dictionary<string, string>>();
            if (!DateOnly.TryParse(body?.GetValueOrDefault("from"), out var from) || !DateOnly.TryParse(body?.GetValueOrDefault("to"), out var to))
                return Results.Json(new { message = "from and to are required (yyyy-MM-dd)" }, statusCode: 422);
            await TumbleDryPortal.Slow(state, store);
            if (state.ShouldFail(store)) return Results.Json(new { message = "Server Error" }, statusCode: 503);
            var key = $"gst:{store}:{from:yyyy-MM-dd}:{to:yyyy-MM-dd}";
            var job = state.Jobs.GetOrAdd(key, _ => new ReportJob(store, from, to, DateTime.UtcNow));
            lock (job)
            {
                if (job.Polls++ < state.Knobs.ProcessingPolls) return Results.Json(new { status = "processing" });
            }
            state.Jobs.TryRemove(key, out _);
            var id = SandboxState.NewId();
            state.Jobs[id] = job;
            return Results.Json(new { status = "success", data = new { url = $"/api/v1/files/{id}.xlsx" } });
        });
        app.MapGet("/api/v1/files/{name}", async (HttpContext http, string name) =>
        {
            // This endpoint answers an expired session with the login page and 200, as the real one does.
            if (Caller(http, state) is not { } store) return Html.Page("Sign in", Html.UcLoginPage);
            if (!state.Jobs.TryGetValue(Path.GetFileNameWithoutExtension(name), out var job) || job.StoreCode != store)
                return Results.Json(new { message = "Not found" }, statusCode: 404);
            await TumbleDryPortal.Slow(state, store);
            state.Hit(store, "generateGST");
            if (state.Knobs.HtmlInsteadOfFile && state.Knobs.Applies(store)) return Html.Page("Sign in", Html.UcLoginPage);
            http.Response.Headers.ContentDisposition = $"attachment; filename=GST_Report_{job.From:yyyy-MM-dd}_to_{job.To:yyyy-MM-dd}.xlsx";
            return Results.Bytes(ReportFiles.UClean(state, store, job.From, job.To), Xlsx);
        });
        TumbleDryPortal.MapAdmin(app, state);
    }

    private static string Issue(SandboxState state, string store)
    {
        var token = SandboxState.NewId();
        state.ApiTokens[token] = store;
        return token;
    }

    private static string? Caller(HttpContext http, SandboxState state) =>
        http.Request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal) &&
        state.ApiTokens.TryGetValue(auth["Bearer ".Length..].Trim(), out var store) ? store : null;

    private static IResult Unauthenticated() => Results.Json(new { message = "Unauthenticated." }, statusCode: 401);
}
