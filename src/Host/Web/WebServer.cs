using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using CrmEtl.Host.Logging;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CrmEtl.Host.Web;

/// <summary>How a server is to listen and what it reads.</summary>
internal sealed record WebServerOptions(
    string ConnectionString, // the read-only role's
    string KeysFolder,       // Data Protection keys: cookies and anti-forgery tokens outlive a restart
    IPAddress Bind,
    int Port,
    string? CertificatePath = null,
    string? CertificateKeyPath = null,
    int LoginAttemptsPerMinute = 10,
    Func<CancellationToken, Task<Commands.StatusCommand.StatusReport>>? Stores = null); // what status --json gives, for /api/v1/stores

/// <summary>
/// The web page and the read API on ASP.NET Core: cookie login for the pages, bearer tokens for scripts, anti-forgery
/// on every change a cookie makes, throttled logins, nothing served without a login but <c>/healthz</c>, and errors as
/// <c>{"error": ...}</c> without a stack trace.
/// </summary>
internal static class WebServer
{
    public const string TokenScheme = "ApiToken";
    private const string EitherScheme = "CookieOrToken";
    public const string CsrfHeader = "X-CSRF-TOKEN";

    public static WebApplication Build(WebServerOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders(); // requests are not logged line by line; failures go to crm-etl.log below
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(options.Bind, options.Port, listen =>
            {
                if (options.CertificatePath is not null) listen.UseHttps(LoadCertificate(options));
            });
        });
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(20));

        var db = new NpgsqlDataSourceBuilder(options.ConnectionString).Build();
        builder.Services.AddSingleton(db);
        builder.Services.AddSingleton(options);
        Directory.CreateDirectory(options.KeysFolder);
        builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(options.KeysFolder)).SetApplicationName("crm-etl");
        builder.Services.AddAntiforgery(a =>
        {
            a.HeaderName = CsrfHeader;
            a.Cookie.Name = "crmetl.csrf";
            a.Cookie.SameSite = SameSiteMode.Strict;
            a.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        builder.Services.AddAuthentication(EitherScheme)
            .AddPolicyScheme(EitherScheme, null, p => p.ForwardDefaultSelector = c =>
                c.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? TokenScheme : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(c =>
            {
                c.Cookie.Name = "crmetl.session";
                c.Cookie.HttpOnly = true;
                c.Cookie.SameSite = SameSiteMode.Strict;
                c.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // Secure behind HTTPS
                c.ExpireTimeSpan = TimeSpan.FromHours(12);
                c.SlidingExpiration = true;
                c.LoginPath = "/login";
                c.Events.OnRedirectToLogin = e => Refuse(e.HttpContext, e.RedirectUri, 401, "log in first");
                c.Events.OnRedirectToAccessDenied = e => Refuse(e.HttpContext, e.RedirectUri, 403, "your role may not do this");
                c.Events.OnValidatePrincipal = RefreshUserAsync;
            })
            .AddScheme<AuthenticationSchemeOptions, TokenAuthentication>(TokenScheme, null);
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy("editor", p => p.RequireRole("editor", "admin"))
            .AddPolicy("admin", p => p.RequireRole("admin"));
        builder.Services.AddRateLimiter(r =>
        {
            r.RejectionStatusCode = 429;
            r.AddPolicy("login", c => RateLimitPartition.GetFixedWindowLimiter(c.Connection.RemoteIpAddress?.ToString() ?? "?",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.LoginAttemptsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            r.OnRejected = async (c, ct) =>
            {
                Log.Warn("web", "login.throttled", $"login attempts from {c.HttpContext.Connection.RemoteIpAddress} throttled");
                await WriteErrorAsync(c.HttpContext, 429, "too many login attempts; wait a minute", ct);
            };
        });
        builder.Services.ConfigureHttpJsonOptions(j => j.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower);

        var app = builder.Build();
        app.UseExceptionHandler(e => e.Run(async c =>
        {
            var error = c.Features.Get<IExceptionHandlerFeature>()?.Error;
            var (status, message) = error switch
            {
                BadHttpRequestException bad => (bad.StatusCode, "the request could not be read"),
                ApiException api => (api.Status, api.Message),
                AntiforgeryValidationException => (400, "the form's anti-forgery token is missing or wrong; reload the page"),
                PostgresException { SqlState: "42P01" } => (404, "this warehouse has no such data (its source plugin is not installed)"),
                _ => (500, "internal error; the server's log says more"),
            };
            if (status >= 500) Log.Error("web", "request.failed", $"{c.Request.Method} {c.Request.Path}: {error?.GetType().Name}: {error?.Message}");
            await WriteErrorAsync(c, status, message, c.RequestAborted);
        }));
        app.UseStatusCodePages(async s =>
        {
            var c = s.HttpContext;
            if (c.Response.ContentLength is null && !c.Response.HasStarted)
                await WriteErrorAsync(c, c.Response.StatusCode, c.Response.StatusCode switch
                {
                    401 => "log in first",
                    403 => "your role may not do this",
                    404 => "not found",
                    405 => "method not allowed",
                    _ => "request refused",
                }, c.RequestAborted);
        });
        app.Use(async (c, next) =>
        {
            c.Response.Headers["X-Content-Type-Options"] = "nosniff";
            c.Response.Headers["X-Frame-Options"] = "DENY";
            c.Response.Headers["Referrer-Policy"] = "same-origin";
            // pages and data are a user's: never from a cache after a logout (the assets set their own)
            if (!c.Request.Path.StartsWithSegments("/assets")) c.Response.Headers.CacheControl = "no-store";
            c.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'";
            await next();
        });
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        // The pages' assets, behind the login like the rest (the fallback policy applies to them too).
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot")),
            RequestPath = "/assets",
            OnPrepareResponse = f => f.Context.Response.Headers.CacheControl = "private, max-age=300",
        });

        app.MapGet("/healthz", async (NpgsqlDataSource data, CancellationToken ct) =>
        {
            try
            {
                await using var cmd = data.CreateCommand("select 1");
                await cmd.ExecuteScalarAsync(ct);
                return Results.Text("ok");
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                return Results.Text("database unavailable", statusCode: 503);
            }
        }).AllowAnonymous();
        LoginPages.Map(app);
        foreach (var (path, file) in new[] { ("/", "index.html"), ("/leads", "leads.html"), ("/erp", "erp.html"), ("/deals", "deals.html") })
            app.MapGet(path, () => Results.File(Path.Combine(AppContext.BaseDirectory, "wwwroot", file), "text/html; charset=utf-8"));
        WebApi.Map(app.MapGroup("/api/v1"));
        app.MapFallback("/api/{**rest}", () => Results.Json(new { error = "not found" }, statusCode: 404));
        return app;
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 LoadCertificate(WebServerOptions o) =>
        o.CertificateKeyPath is not null
            ? System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(o.CertificatePath!, o.CertificateKeyPath)
            : System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(o.CertificatePath!,
                Environment.GetEnvironmentVariable("CRMETL_SERVE_CERTIFICATE_PASSWORD"));

    // A page is sent to the login form; an API call (or a script) gets the status and a JSON error.
    private static Task Refuse(HttpContext c, string redirect, int status, string message)
    {
        if (status == 403 || c.Request.Path.StartsWithSegments("/api") || c.Request.Headers.Accept.ToString().Contains("application/json"))
            return WriteErrorAsync(c, status, message, c.RequestAborted);
        c.Response.Redirect(redirect);
        return Task.CompletedTask;
    }

    public static async Task WriteErrorAsync(HttpContext c, int status, string message, CancellationToken ct)
    {
        if (c.Response.HasStarted) return;
        c.Response.Clear();
        c.Response.StatusCode = status;
        await c.Response.WriteAsJsonAsync(new { error = message }, ct);
    }

    public static ClaimsPrincipal Principal(WebUser user, string scheme) => new(new ClaimsIdentity(
        new[]
        {
            new Claim(ClaimTypes.Name, user.Name),
            new Claim(ClaimTypes.Role, user.Role),
            new Claim("stamp", user.UpdatedAt.UtcTicks.ToString()),
        }, scheme));

    // A cookie stands for the user as the database has them now: removed or given a new password ends the session,
    // a new role holds from the next request.
    private static async Task RefreshUserAsync(CookieValidatePrincipalContext c)
    {
        var db = c.HttpContext.RequestServices.GetRequiredService<NpgsqlDataSource>();
        var name = c.Principal?.Identity?.Name;
        var user = name is null ? null : await WebUsers.FindAsync(db, name, c.HttpContext.RequestAborted);
        if (user is null || c.Principal!.FindFirst("stamp")?.Value != user.UpdatedAt.UtcTicks.ToString())
        {
            c.RejectPrincipal();
            await c.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }
        c.HttpContext.Items[typeof(WebUser)] = user;
    }

    /// <summary>The user of this request, as read from the database when it was authenticated.</summary>
    public static WebUser User(HttpContext c) => (WebUser)c.Items[typeof(WebUser)]!;

    /// <summary>Bearer tokens of <c>users token NAME</c>.</summary>
    private sealed class TokenAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, NpgsqlDataSource db)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var header = Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
            var user = await WebUsers.CheckTokenAsync(db, header["Bearer ".Length..].Trim(), Context.RequestAborted);
            if (user is null) return AuthenticateResult.Fail("unknown token");
            Context.Items[typeof(WebUser)] = user;
            return AuthenticateResult.Success(new AuthenticationTicket(Principal(user, TokenScheme), TokenScheme));
        }

        protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
            WriteErrorAsync(Context, 401, "the token is missing, unknown or replaced", Context.RequestAborted);

        protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
            WriteErrorAsync(Context, 403, "your role may not do this", Context.RequestAborted);
    }
}

/// <summary>A request the API refuses: its status and what was wrong (a parameter named).</summary>
internal sealed class ApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
