using CrmEtl.Host.Cli;
using CrmEtl.Host.Database;

namespace CrmEtl.Host.Commands;

/// <summary>The small verbs: migrate, plugins, db.</summary>
internal static class AdminCommands
{
    public static async Task<int> MigrateAsync(HostContext host, CancellationToken ct)
    {
        var applied = await new MigrationRunner(await host.ServerAsync(ct)).ApplyAsync(host.Migrations(), ct);
        Console.WriteLine(applied.Count == 0 ? "schema is up to date" : $"applied {applied.Count}: {string.Join(", ", applied)}");
        return 0;
    }

    public static int Plugins(HostContext host)
    {
        Console.WriteLine($"{"crm",-8} {"source",-8} {"name",-14} {"staging table",-22} {"transforms",-12} assembly");
        foreach (var p in host.Plugins.Plugins)
        {
            var transforms = host.Transforms.FilesFor(p).Count;
            Console.WriteLine($"{p.Info.Crm,-8} {p.Info.SourceSystem,-8} {p.Info.DisplayName,-14} {p.Info.StagingTable,-22} {transforms + " files",-12} {p.AssemblyPath}");
        }
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
                Console.WriteLine(host.Cluster.Describe());
                return 0;
            default:
                throw new UsageException($"unknown db action '{options.Action}' (start | stop | status)");
        }
    }
}
