using System.Text.Json;
using CrmEtl.Sandbox;

// crm-etl-sandbox [--port N]: serves the portals until stdin closes or the process is stopped, after printing
// one JSON line with their base URLs (what `./crm-etl demo` reads).
var port = args is ["--port", var p] ? int.Parse(p) : 0;
await using var server = await SandboxServer.StartAsync(port: port);
Console.WriteLine(JsonSerializer.Serialize(new
{
    td_subs = server.TdSubs,
    td_reports = server.TdReports,
    uc_store = server.UcStore,
    otp = server.Knobs.Otp,
    accounts = SandboxAccount.All.Select(a => new { crm = a.Crm, store = a.StoreId, user = a.User, password = a.Password }),
}));
Console.Out.Flush();
var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
_ = Task.Run(() => { while (Console.In.Read() >= 0) { } stop.TrySetResult(); });
await stop.Task;
