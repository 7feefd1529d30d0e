using CrmEtl.Host.Cli;
using CrmEtl.Host.Ingestion;
using Npgsql;

namespace CrmEtl.Host.Commands;

internal static class IngestCommand
{
    public static async Task<int> RunAsync(HostContext host, IngestOptions options, CancellationToken ct)
    {
        var plugin = host.Plugins.Get(options.Crm);
        var (from, to) = CliDates.Window(options.From, options.To);
        var connectionString = await host.DatabaseAsync(ct);
        Store store;
        await using (var conn = new NpgsqlConnection(connectionString))
        {
            await conn.OpenAsync(ct);
            store = await StoreDirectory.ResolveAsync(conn, plugin.Info.Crm, options.Store, ct);
        }

        var request = new IngestRequest(plugin, store, options.File, from, to, host.InvocationId, options.DryRun);
        var outcome = await new IngestService(connectionString, host.Transforms).IngestAsync(request, ct);
        RunReport.Print([outcome], options.Json);
        return outcome.IsFailure ? 1 : 0;
    }
}
