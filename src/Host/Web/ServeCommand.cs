using System.Net;
using CrmEtl.Host.Cli;
using CrmEtl.Host.Commands;
using CrmEtl.Host.Logging;
using Microsoft.Extensions.Hosting;

namespace CrmEtl.Host.Web;

/// <summary>
/// <c>serve</c>: the web page and the API in the foreground until SIGTERM or Ctrl-C (requests in flight finish,
/// exit 0). Beyond loopback only with a certificate, or --insecure-http on purpose.
/// </summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(HostContext host, ServeOptions o, CancellationToken ct)
    {
        var config = host.Config.Serve;
        var port = o.Port ?? config.Port;
        if (port is < 1 or > 65535) throw new UsageException($"--port {port}: a port is 1 to 65535");
        var bindText = o.Bind ?? config.Bind;
        var bind = bindText == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(bindText, out var address) ? address
            : throw new UsageException($"--bind '{bindText}' is not an IP address (127.0.0.1, 0.0.0.0, ::1)");
        var certificate = config.Certificate is { Length: > 0 } c ? host.Config.Resolve(c) : null;
        if (certificate is not null && !File.Exists(certificate)) throw new UsageException($"serve.certificate: {certificate} does not exist");
        if (!IPAddress.IsLoopback(bind) && certificate is null && !o.InsecureHttp)
            throw new UsageException($"--bind {bindText} listens beyond this machine: configure serve.certificate for HTTPS, " +
                                     "or give --insecure-http to send passwords and cookies in clear on purpose");

        if (o.Demo) await DemoCommand.UseDemoDatabaseAsync(host, ct);
        var owner = await host.DatabaseAsync(ct);
        var readOnly = await WebDatabaseRole.EnsureAsync(owner, ct);
        var options = new WebServerOptions(readOnly, Path.Combine(host.Paths.Home, "web-keys"), bind, port,
            certificate, config.CertificateKey is { Length: > 0 } k ? host.Config.Resolve(k) : null, config.LoginAttemptsPerMinute,
            async t => await StatusCommand.ReportAsync(host, readOnly, t));
        await using var app = WebServer.Build(options);
        await app.StartAsync(ct);
        var url = app.Urls.First();
        Log.Info("web", "serve.started", $"serving {url} (database {new Npgsql.NpgsqlConnectionStringBuilder(owner).Database}); Ctrl-C or SIGTERM stops it");
        Console.WriteLine($"serving {url}; Ctrl-C stops it");
        if (!IPAddress.IsLoopback(bind) && certificate is null) Log.Warn("web", "serve.insecure", $"listening on {bindText} without TLS (--insecure-http)");
        await app.WaitForShutdownAsync(ct);
        Log.Info("web", "serve.stopped", "stopped");
        return 0;
    }
}
