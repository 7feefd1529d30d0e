using CrmEtl.Host.Cli;
using CrmEtl.Host.Database;
using CrmEtl.Host.Models;

namespace CrmEtl.Host.Commands;

/// <summary>The small verbs: migrate, plugins, db.</summary>
internal static class AdminCommands
{
    public static async Task<int> MigrateAsync(HostContext host, CancellationToken ct)
    {
        var applied = await Schema.MigrateAsync(await host.ServerAsync(ct), host.Paths.SqlRoot, host.Plugins, ct, always: true);
        await host.DatabaseAsync(ct); // and what every start does: stores, pending records, runs of dead processes
        Console.WriteLine(applied.Count == 0 ? "schema is up to date" : $"applied {applied.Count}: {string.Join(", ", applied)}");
        return 0;
    }

    public static int Plugins(HostContext host)
    {
        Console.WriteLine($"{"crm",-9} {"source",-9} {"name",-16} {"stores",-6} {"report",-13} {"reads",-7} {"staging table",-26} {"models",6} {"checks",6}  folder");
        foreach (var p in host.Plugins.Plugins)
        foreach (var d in p.Plugin.Datasets)
        {
            var reads = d.Api is not null ? "api" : d.Layout is not null ? "sheet" : "file";
            string models, checks;
            try
            {
                var set = ModelSet.Load(p, d, host.Paths.SqlRoot);
                (models, checks) = (set.Models.Count.ToString(), set.Checks.Count.ToString());
            }
            catch (ModelException e)
            {
                (models, checks) = ("-", "-");
                Console.WriteLine($"problem: {e.Message}");
            }
            Console.WriteLine($"{p.Info.Crm,-9} {p.Info.SourceSystem,-9} {p.Info.DisplayName,-16} {(p.Info.HasStores ? "yes" : "no"),-6} {d.Name,-13} {reads,-7} {d.StagingTable,-26} {models,6} {checks,6}  {p.Folder}");
        }
        foreach (var verb in host.Plugins.Plugins.SelectMany(p => p.Plugin.Commands.Select(c => (p.Info.Crm, c))))
            Console.WriteLine($"verb: ./crm-etl {verb.c.Verb}{(verb.c.Action is null ? $" --crm {verb.Crm}" : " " + verb.c.Action)}  ({verb.Crm}) {verb.c.Summary}");
        foreach (var problem in host.Plugins.Problems) Console.WriteLine($"problem: {problem}");
        return host.Plugins.Problems.Count == 0 ? 0 : 1;
    }

    public static async Task<int> DbAsync(HostContext host, DbOptions options, CancellationToken ct)
    {
        if (Environment.GetEnvironmentVariable("CRMETL_DATABASE") is { Length: > 0 })
            Console.Error.WriteLine("note: CRMETL_DATABASE is set, so commands use that database, not the embedded one");
        switch (options.Action.ToLowerInvariant())
        {
            case "start":
                await host.Cluster.EnsureRunningAsync(ct);
                Console.WriteLine($"running: {host.Cluster.Describe()}");
                return 0;
            case "stop":
                Console.WriteLine(await host.Cluster.StopAsync(ct) ? "stopped" : "was not running");
                return 0;
            case "status":
            {
                // exit 1 when the database does not answer, so a monitor can ask
                Console.WriteLine($"home {host.Paths.Home}");
                if (Environment.GetEnvironmentVariable("CRMETL_DATABASE") is { Length: > 0 } external)
                {
                    var (answers, what) = await DatabaseInfoAsync(external, ct);
                    Console.WriteLine($"database (CRMETL_DATABASE): {what}");
                    return answers ? 0 : 1;
                }
                var (running, text) = await host.Cluster.StatusAsync(ct);
                Console.WriteLine($"embedded PostgreSQL: {text}");
                return running ? 0 : 1;
            }
            default:
                throw new UsageException($"unknown db action '{options.Action}' (start | stop | status)");
        }
    }

    /// <summary>Where a database is and how big, or why it does not answer (never its password).</summary>
    public static async Task<(bool Answers, string Text)> DatabaseInfoAsync(string connectionString, CancellationToken ct)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Timeout = 5 };
        var where = $"{builder.Host}:{builder.Port}/{builder.Database}";
        try
        {
            await using var conn = new Npgsql.NpgsqlConnection(builder.ConnectionString);
            await conn.OpenAsync(ct);
            await using var cmd = new Npgsql.NpgsqlCommand("select pg_size_pretty(pg_database_size(current_database()))", conn);
            return (true, $"{where}, {await cmd.ExecuteScalarAsync(ct)}");
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return (false, $"{where} does not answer: {e.Message}");
        }
    }

    /// <summary><c>alerts test</c>: a test alert through every configured channel, so that an operator knows they work.</summary>
    public static async Task<int> AlertsAsync(HostContext host, AlertsOptions options, CancellationToken ct)
    {
        if (!string.Equals(options.Action, "test", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"unknown alerts action '{options.Action}' (test)");
        var sender = new Alerts.AlertSender(host.Config.Alerts);
        if (!sender.Configured)
        {
            Console.Error.WriteLine($"crm-etl: {Alerts.AlertService.Unnoticed}");
            return 1;
        }
        var (sent, failed) = await sender.SendAsync(new Alerts.Alert(host.InvocationId, "crm-etl", Environment.MachineName, "test", null, null,
            "A test alert from ./crm-etl alerts test: alerts reach you this way.", null), ct);
        Console.WriteLine($"test alert sent through {sent} channel(s) ({sender.Describe()}){(failed > 0 ? $"; {failed} failed (see the log above)" : "")}");
        return failed == 0 ? 0 : 1;
    }
}
