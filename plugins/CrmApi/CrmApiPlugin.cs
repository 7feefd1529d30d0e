using CrmEtl.Abstractions;
using CrmEtl.Abstractions.Commands;

namespace CrmEtl.Plugins.CrmApi;

/// <summary>
/// The CRM's accounts, contacts and deals over its REST API (sources.md section 4), pulled in that order so a deal
/// finds its account; deal aggregations are SQL. Verbs: <c>export</c> a table, <c>update</c> records in the CRM and
/// then in the warehouse.
/// </summary>
public sealed class CrmApiPlugin : ISourcePlugin
{
    public SourceInfo Info { get; } = new("crmapi", "CRM API") { SourceSystem = "CRMAPI" };

    public IReadOnlyList<Dataset> Datasets { get; } = CrmEntity.All
        .Select(e => new Dataset { Name = e.Name, StagingTable = $"stg_crm_{e.Name}", Api = new CrmEntityApi(e) })
        .ToList();

    public IReadOnlyList<PluginCommand> Commands { get; } = [CrmCommands.Export, CrmCommands.Update];
}
