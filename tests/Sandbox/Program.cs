using System.Text.Json;
using CrmEtl.Sandbox;

// crm-etl-sandbox [--port N] [--erpnext INVOICES] [--erpnext-sites N --erpnext-documents D [--erpnext-doctypes T]]
// [--crmapi DEALS]: serves the portals (and, when asked, an ERPNext
// site seeded with that many Sales Invoices and a CRM API with that many deals) until stdin closes or the process
// is stopped, after printing one JSON line with their base URLs and credentials (what `./crm-etl demo` and bench/ read).
var port = Number("--port") ?? 0;
await using var server = await SandboxServer.StartAsync(port: port);
var extra = new List<IAsyncDisposable>();
object? erpnext = null, crmapi = null;
object[] erpnextSites = [];
if (Number("--erpnext") is { } invoices)
{
    var site = new ErpNextSite();
    site.Seed(invoices, days: 30, customers: Math.Max(10, invoices / 50));
    var (host, url) = await SandboxServer.StartErpNextAsync(site);
    extra.Add(host);
    erpnext = new { url, key = site.Key, secret = site.Secret, doctypes = new[] { "Sales Invoice", "Customer" } };
}
// --erpnext-sites N --erpnext-documents D [--erpnext-doctypes T]: N sites of D/N documents each over T doctypes
if (Number("--erpnext-sites") is { } count)
{
    var documents = Number("--erpnext-documents") ?? 10_000;
    var doctypes = Math.Clamp(Number("--erpnext-doctypes") ?? 10, 2, 2 + ErpNextSite.OtherDoctypes.Count);
    var sites = new List<object>();
    for (var i = 0; i < count; i++)
    {
        var site = new ErpNextSite { Key = $"site{i + 1}-key", Secret = $"site{i + 1}-secret" };
        site.SeedMany(documents / count, doctypes - 2);
        var (host, url) = await SandboxServer.StartErpNextAsync(site, ip: $"127.0.1.{i + 1}");
        extra.Add(host);
        sites.Add(new { url, key = site.Key, secret = site.Secret, doctypes = new[] { "Sales Invoice", "Customer" }.Concat(ErpNextSite.OtherDoctypes.Take(doctypes - 2)) });
    }
    erpnextSites = sites.ToArray();
}
if (Number("--crmapi") is { } deals)
{
    var site = new CrmApiSite();
    site.Seed(accounts: Math.Max(5, deals / 10), contacts: Math.Max(5, deals / 2), deals: deals);
    var (host, url) = await SandboxServer.StartCrmApiAsync(site);
    extra.Add(host);
    crmapi = new { url, token = site.Token };
}
Console.WriteLine(JsonSerializer.Serialize(new
{
    td_subs = server.TdSubs,
    td_reports = server.TdReports,
    uc_store = server.UcStore,
    otp = server.Knobs.Otp,
    accounts = SandboxAccount.All.Select(a => new { crm = a.Crm, store = a.StoreId, user = a.User, password = a.Password }),
    erpnext,
    erpnext_sites = erpnextSites,
    crmapi,
}));
Console.Out.Flush();
var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
_ = Task.Run(() => { while (Console.In.Read() >= 0) { } stop.TrySetResult(); });
await stop.Task;
foreach (var host in extra) await host.DisposeAsync();

int? Number(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : null;
