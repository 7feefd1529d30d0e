using CrmEtl.Abstractions;
using CrmEtl.Abstractions.Commands;

namespace CrmEtl.Plugins.Leads;

/// <summary>
/// The library's lead workbooks: every sheet, whatever its headers, into one list of leads (one per mobile number)
/// that people then work with <c>./crm-etl leads list|update|assign|export</c>. A row without a valid mobile is
/// rejected with its sheet and row; the rest of the workbook loads.
/// </summary>
public sealed class LeadsPlugin : ISourcePlugin
{
    public SourceInfo Info { get; } = new("leads", "Library leads") { SourceSystem = "LEADS" };

    public IReadOnlyList<Dataset> Datasets { get; } =
    [
        new()
        {
            Name = "leads",
            StagingTable = "stg_leads",
            ReportType = "Leads",
            Parser = new LeadWorkbookParser(),
        },
    ];

    public IReadOnlyList<PluginCommand> Commands { get; } = [LeadCommands.List, LeadCommands.Update, LeadCommands.Assign, LeadCommands.Export];
}
