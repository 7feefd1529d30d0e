using CrmEtl.Abstractions.Api;
using CrmEtl.Abstractions.Commands;
using CrmEtl.Host.Cli;
using CrmEtl.Host.Http;
using CrmEtl.Host.Ingestion;
using CrmEtl.Host.Logging;
using CrmEtl.Host.Plugins;

namespace CrmEtl.Host.Commands;

/// <summary>
/// <c>./crm-etl pull --crm X</c>, offered by every plugin with an API dataset: the host's options (--full, --json,
/// --max-rejects) and the source's own (<c>--instance</c>, <c>--entity</c>), parsed and helped like any plugin verb.
/// </summary>
internal static class PullCommand
{
    public static IEnumerable<PluginCommand> For(HostContext host, LoadedPlugin plugin)
    {
        var apis = plugin.Plugin.Datasets.Where(d => d.Api is not null).ToList();
        if (apis.Count == 0) yield break;
        PluginOption[] own =
        [
            new("full", null, "Every record, not only those changed since the last pull"),
            new("json", null, "One JSON document on stdout: the run of each scope"),
            new("max-rejects", "N", $"Fail a scope, changing nothing, past N records that cannot be loaded (default {IngestRequest.DefaultMaxRejects})"),
            new("if-configured", null, $"Pull only when crm-etl.json has a '{plugin.Info.Crm}' section (the schedule pulls every API source so)"),
        ];
        yield return new PluginCommand("pull", null, $"Pull what changed in {plugin.Info.DisplayName} since the last pull",
            apis.SelectMany(d => d.Api!.Options).DistinctBy(o => o.Name).Concat(own).ToList(),
            (context, ct) => RunAsync(host, plugin, context, ct))
        {
            Example = $"./crm-etl pull --crm {plugin.Info.Crm} --json",
        };
    }

    private static async Task<int> RunAsync(HostContext host, LoadedPlugin plugin, PluginCommandContext context, CancellationToken ct)
    {
        var json = context.Option("json") is not null;
        if (context.Flag("if-configured") && context.Settings.ValueKind == System.Text.Json.JsonValueKind.Object && !context.Settings.EnumerateObject().Any())
        {
            Log.Info($"{plugin.Info.Crm}/pull", "pull.skipped", $"no '{plugin.Info.Crm}' section in crm-etl.json: nothing to pull");
            if (json) RunReport.Print(Array.Empty<IngestOutcome>(), json: true);
            return 0;
        }
        var maxRejects = IngestRequest.DefaultMaxRejects;
        if (context.Option("max-rejects") is { } n && (!int.TryParse(n, out maxRejects) || maxRejects < 0))
            throw new UsageException($"--max-rejects '{n}' must be a whole number, 0 or more");
        var options = context.Options.Where(o => o.Key is not ("json" or "full" or "max-rejects" or "if-configured"))
            .ToDictionary(o => o.Key, o => o.Value[^1]);
        var scope = $"{plugin.Info.Crm}/pull";
        using var http = ResilientHttp.Create();
        var pull = new PullContext(context.Settings, http, options, context.Option("full") is not null, message => Log.Info(scope, "pull", message));
        var outcomes = await new PullService(context.ConnectionString, host.Paths)
            .PullAsync(new PullRequest(plugin, null, pull, host.InvocationId, maxRejects), ct);
        RunReport.Print(outcomes, json);
        return outcomes.Any(o => o.IsFailure) ? 1 : 0;
    }
}
