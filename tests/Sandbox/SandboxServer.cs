using System.Net;

namespace CrmEtl.Sandbox;

/// <summary>
/// Starts the three portal hosts on loopback, each on its own address so that cookies of one are never
/// sent to another (127.0.0.2 subs, 127.0.0.3 reports, 127.0.0.4 store by default).
/// </summary>
public sealed class SandboxServer : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];

    private SandboxServer(SandboxState state) => State = state;

    public SandboxState State { get; }

    public SandboxKnobs Knobs => State.Knobs;

    public string TdSubs { get; private set; } = "";

    public string TdReports { get; private set; } = "";

    public string UcStore { get; private set; } = "";

    public static async Task<SandboxServer> StartAsync(string subsIp = "127.0.0.2", string reportsIp = "127.0.0.3", string storeIp = "127.0.0.4", int port = 0)
    {
        var server = new SandboxServer(new SandboxState());
        server.TdReports = await server.StartHostAsync(reportsIp, port, app => TumbleDryPortal.MapReports(app, server.State));
        server.TdSubs = await server.StartHostAsync(subsIp, port, app => TumbleDryPortal.MapSubs(app, server.State, () => server.TdReports));
        server.UcStore = await server.StartHostAsync(storeIp, port, app => UCleanPortal.Map(app, server.State));
        return server;
    }

    /// <summary>An ERPNext site alone (the ERPNext tests each run their own, with their own documents).</summary>
    public static async Task<(SandboxServer Server, string Url)> StartErpNextAsync(ErpNextSite site, string ip = "127.0.0.5", int port = 0)
    {
        var server = new SandboxServer(new SandboxState());
        var url = await server.StartHostAsync(ip, port, site.Map);
        return (server, url);
    }

    /// <summary>A CRM API alone (each test runs its own, with its own records).</summary>
    public static async Task<(SandboxServer Server, string Url)> StartCrmApiAsync(CrmApiSite site, string ip = "127.0.0.6", int port = 0)
    {
        var server = new SandboxServer(new SandboxState());
        var url = await server.StartHostAsync(ip, port, site.Map);
        return (server, url);
    }

    private async Task<string> StartHostAsync(string ip, int port, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(ip), port));
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        _apps.Add(app);
        return app.Urls.Single().TrimEnd('/');
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
