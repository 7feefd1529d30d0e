using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace CrmEtl.Tests.Support;

/// <summary>What tests of `serve` share: the login form as a browser sends it, a free port, waiting for /healthz.</summary>
internal static partial class WebLogin
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    /// <summary>A client that keeps cookies and does not follow redirects (a login's answer is a 302).</summary>
    public static HttpClient Client(string url) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(url) };

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string name, string password, bool withToken = true, string returnUrl = "/")
    {
        var token = TokenField().Match(await client.GetStringAsync("/login")).Groups[1].Value;
        var fields = new Dictionary<string, string> { ["name"] = name, ["password"] = password, ["returnUrl"] = returnUrl };
        if (withToken) fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(token);
        return await client.PostAsync("/login", new FormUrlEncodedContent(fields));
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until a started `serve` answers /healthz with 200.</summary>
    public static async Task WaitForHealthAsync(HttpClient client, System.Diagnostics.Process server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        HttpResponseMessage? health = null;
        while (DateTime.UtcNow < deadline && !server.HasExited)
        {
            try
            {
                health = await client.GetAsync("/healthz");
                break;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
        }
        Xunit.Assert.True(health?.StatusCode == HttpStatusCode.OK, server.HasExited ? await server.StandardError.ReadToEndAsync() : "no answer");
    }
}
