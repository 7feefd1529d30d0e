using System.Net;

namespace CrmEtl.Sandbox;

/// <summary>The sandbox's pages: plain HTML with the ids and labels the spec lists.</summary>
internal static class Html
{
    public static IResult Page(string title, string body, int status = 200) =>
        Results.Content($$"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>{{WebUtility.HtmlEncode(title)}}</title>
            <style>body{font-family:sans-serif;margin:2em} label{display:inline-block;width:9em}</style></head>
            <body>{{body}}</body></html>
            """, "text/html; charset=utf-8", statusCode: status);

    public static string TdLoginForm(string? error) => $"""
        <h1>QuickDryCleaning - Login</h1>
        {(error is null ? "" : $"<p class=\"error\" role=\"alert\">{WebUtility.HtmlEncode(error)}</p>")}
        <form method="post" action="/Login">
          <p><label for="txtUserId">User Id</label><input id="txtUserId" name="user" type="text"></p>
          <p><label for="txtPassword">Password</label><input id="txtPassword" name="password" type="password"></p>
          <p><label for="txtBranchPin">Branch Pin</label><input id="txtBranchPin" name="pin" type="text"></p>
          <p><input id="btnLogin" type="submit" value="Login"></p>
        </form>
        """;

    public static string OverduePopup(bool sticky) => $"""
        <div id="pnlOrderOverDuePopup" style="position:fixed;inset:0;background:rgba(0,0,0,.6);z-index:10">
          <div style="background:#fff;margin:10% auto;padding:2em;width:24em">
            <h2>Overdue orders</h2><p>You have 3 orders overdue for delivery.</p>
            <button id="btnCloseOverDue" type="button" onclick="{(sticky ? "return false" : "closeOverdue()")}">Close</button>
          </div>
        </div>
        """;

    public static string UcLoginPage => """
        <h1>UClean Store - Sign in</h1>
        <p id="message" role="alert"></p>
        <form id="loginForm">
          <p><label for="email">Email</label><input id="email" type="email"></p>
          <p><label for="password">Password</label><input id="password" type="password"></p>
          <p><button type="submit">Sign in</button></p>
        </form>
        <form id="otpForm" style="display:none">
          <p><label for="otp">Enter the OTP sent to your phone</label><input id="otp" type="text" inputmode="numeric"></p>
          <p><button type="submit">Verify</button></p>
        </form>
        <script>
        let pending = null;
        const say = m => document.getElementById('message').textContent = m;
        async function finish(r) {
          const j = await r.json();
          if (j.status === 'otp_required') { pending = j.pending; loginForm.style.display = 'none'; otpForm.style.display = ''; return; }
          if (j.token) { localStorage.setItem('token', j.token); location.href = '/dashboard'; return; }
          say(j.message || 'Login failed');
        }
        loginForm.onsubmit = async e => { e.preventDefault();
          await finish(await fetch('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: email.value, password: password.value }) })); };
        otpForm.onsubmit = async e => { e.preventDefault();
          await finish(await fetch('/api/v1/auth/otp', { method: 'POST', headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ pending, otp: otp.value }) })); };
        </script>
        """;
}
