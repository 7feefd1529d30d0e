using System.Net;
using System.Net.Http.Headers;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Cli;

/// <summary>
/// `users` and `serve` as the operator runs them (the built host): a password read from standard input and stored
/// only hashed, a token printed once, the server answering on its port until SIGTERM (exit 0), and a bind beyond
/// loopback refused without TLS.
/// </summary>
public sealed class ServeCliTests
{
    [Fact]
    public async Task Users_are_added_with_a_password_from_stdin_and_the_server_serves_their_token_until_sigterm()
    {
        var cs = await TestCluster.CreateDatabaseAsync("serve");
        var host = new HostProcess(cs) { Stdin = "correct horse battery\n" };
        var added = await host.RunAsync("users", "add", "priya", "--role", "editor", "--instances", "site1,site2");
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Contains("added priya: editor, ERP instances site1,site2", added.Stdout);
        Assert.DoesNotContain("correct horse", added.Stdout + added.Stderr);
        var hash = await Db.ScalarAsync<string>(cs, "select password_hash from web_users where name = 'priya'");
        Assert.DoesNotContain("correct horse", hash);
        Assert.True(hash.Length > 60, hash);

        host.Stdin = "short\n";
        var weak = await host.RunAsync("users", "add", "rahul", "--role", "viewer");
        Assert.Equal(2, weak.ExitCode);
        Assert.Contains("at least 8 characters", weak.Stderr);
        host.Stdin = null;
        var badRole = await host.RunAsync("users", "add", "rahul", "--role", "boss");
        Assert.Equal(2, badRole.ExitCode);
        Assert.Contains("viewer, editor, admin", badRole.Stderr);
        Assert.Equal(2, (await host.RunAsync("users", "remove", "nobody")).ExitCode);

        var token = await host.RunAsync("users", "token", "priya");
        Assert.True(token.ExitCode == 0, token.ToString());
        var secret = token.Stdout.Trim();
        Assert.StartsWith("crm_", secret);
        var list = await host.RunAsync("users", "list");
        Assert.Contains("priya", list.Stdout);
        Assert.Contains("site1,site2", list.Stdout);
        Assert.DoesNotContain(secret.Split('.')[1], list.Stdout + await File.ReadAllTextAsync(Directory.GetFiles(Path.Combine(host.Home, "logs")).First()));

        var port = WebLogin.FreePort();
        using var server = host.Start("serve", "--port", port.ToString());
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await WebLogin.WaitForHealthAsync(client, server);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/session")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Contains("\"role\":\"editor\"", await client.GetStringAsync("/api/v1/session"));

        // SIGTERM: the requests in flight finish, exit 0
        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", server.Id.ToString()])) await kill.WaitForExitAsync();
        Assert.True(server.WaitForExit(30_000), "still running 30 s after SIGTERM");
        Assert.Equal(0, server.ExitCode);
    }

    [Fact]
    public async Task Listening_beyond_loopback_without_tls_is_refused_unless_asked_for()
    {
        var host = new HostProcess(await TestCluster.CreateDatabaseAsync("serve"));
        var refused = await host.RunAsync("serve", "--bind", "0.0.0.0", "--port", WebLogin.FreePort().ToString());
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("serve.certificate", refused.Stderr);
        Assert.Contains("--insecure-http", refused.Stderr);
        var badBind = await host.RunAsync("serve", "--bind", "everywhere");
        Assert.Equal(2, badBind.ExitCode);
        Assert.Contains("not an IP address", badBind.Stderr);
    }

    [Fact]
    public async Task With_a_certificate_it_serves_https_beyond_loopback_and_its_cookies_are_secure()
    {
        var dir = Repo.TempDir("tls");
        using (var rsa = System.Security.Cryptography.RSA.Create(2048))
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=crm-etl.test", rsa,
                System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            await File.WriteAllTextAsync(Path.Combine(dir, "cert.pem"), certificate.ExportCertificatePem());
            await File.WriteAllTextAsync(Path.Combine(dir, "key.pem"), rsa.ExportPkcs8PrivateKeyPem());
        }
        var host = new HostProcess(await TestCluster.CreateDatabaseAsync("tls"));
        host.Environment["CRMETL_Serve__Certificate"] = Path.Combine(dir, "cert.pem");
        host.Environment["CRMETL_Serve__CertificateKey"] = Path.Combine(dir, "key.pem");
        var port = WebLogin.FreePort();
        using var server = host.Start("serve", "--bind", "0.0.0.0", "--port", port.ToString());
        try
        {
            // the test's own self-signed certificate: trusted here by its thumbprint-free shortcut
            using var client = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Subject == "CN=crm-etl.test" })
                { BaseAddress = new Uri($"https://127.0.0.1:{port}") };
            await WebLogin.WaitForHealthAsync(client, server);
            using var login = await client.GetAsync("/login");
            var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("crmetl.csrf="));
            Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            server.Kill();
        }
    }
}
