using System.Net;
using CrmEtl.Host.Logging;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace CrmEtl.Host.Web;

/// <summary>The login form (with its anti-forgery token), the login itself (throttled per address) and logging out.</summary>
internal static class LoginPages
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/login", (HttpContext c, IAntiforgery antiforgery, string? returnUrl) =>
            Results.Content(Form(antiforgery.GetAndStoreTokens(c).RequestToken!, returnUrl, null), "text/html; charset=utf-8")).AllowAnonymous();

        app.MapPost("/login", async (HttpContext c, IAntiforgery antiforgery, NpgsqlDataSource db) =>
        {
            await antiforgery.ValidateRequestAsync(c);
            var form = await c.Request.ReadFormAsync(c.RequestAborted);
            var (name, password, returnUrl) = (form["name"].ToString().Trim(), form["password"].ToString(), form["returnUrl"].ToString());
            var user = name.Length is > 0 and <= 64 && password.Length is > 0 and <= 1024
                ? await WebUsers.CheckPasswordAsync(db, name, password, c.RequestAborted)
                : null;
            if (user is null)
            {
                Log.Warn("web", "login.failed", $"failed login for '{name}' from {c.Connection.RemoteIpAddress}");
                var tokens = antiforgery.GetAndStoreTokens(c);
                return Results.Content(Form(tokens.RequestToken!, returnUrl, "Wrong name or password."), "text/html; charset=utf-8", statusCode: 401);
            }
            await c.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
                WebServer.Principal(user, CookieAuthenticationDefaults.AuthenticationScheme), new AuthenticationProperties { IsPersistent = false });
            Log.Info("web", "login", $"{user.Name} ({user.Role}) logged in from {c.Connection.RemoteIpAddress}");
            // only a path of this site: a login never sends anyone elsewhere
            return Results.Redirect(returnUrl.StartsWith('/') && !returnUrl.StartsWith("//") && !returnUrl.StartsWith("/\\") ? returnUrl : "/");
        }).AllowAnonymous().DisableAntiforgery().RequireRateLimiting("login");

        app.MapPost("/logout", async (HttpContext c, IAntiforgery antiforgery) =>
        {
            await antiforgery.ValidateRequestAsync(c);
            await c.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/login");
        });
    }

    private static string Form(string token, string? returnUrl, string? error) => $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>CrmEtl: log in</title>
        <style>
          body { font: 16px system-ui, sans-serif; background: #f4f5f7; margin: 0; display: flex; min-height: 100vh; align-items: center; justify-content: center; }
          form { background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px #0002; width: min(22rem, 90vw); }
          h1 { font-size: 1.3rem; margin: 0 0 1rem; }
          label { display: block; margin: .8rem 0 .3rem; }
          input { width: 100%; box-sizing: border-box; padding: .6rem; font-size: 1rem; border: 1px solid #bbb; border-radius: 4px; }
          button { margin-top: 1.2rem; width: 100%; padding: .7rem; font-size: 1rem; background: #1f5fbf; color: #fff; border: 0; border-radius: 4px; }
          .error { color: #b00020; margin: 0 0 .5rem; }
        </style></head>
        <body><form method="post" action="/login">
          <h1>CrmEtl warehouse</h1>
          {{(error is null ? "" : $"<p class=\"error\" role=\"alert\">{WebUtility.HtmlEncode(error)}</p>")}}
          <input type="hidden" name="__RequestVerificationToken" value="{{WebUtility.HtmlEncode(token)}}">
          <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(returnUrl ?? "/")}}">
          <label for="name">Name</label><input id="name" name="name" autocomplete="username" required autofocus>
          <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
          <button type="submit">Log in</button>
        </form></body></html>
        """;
}
