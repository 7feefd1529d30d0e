using CrmEtl.Abstractions;
using CrmEtl.Abstractions.Reports;

namespace CrmEtl.Plugins.Manual;

/// <summary>Orders typed by hand into template.csv (or the same columns in an .xlsx), for stores or days outside the CRMs.</summary>
public sealed class ManualPlugin : ISourcePlugin
{
    public SourceInfo Info { get; } = new(
        Crm: "manual",
        SourceSystem: "MANUAL",
        DisplayName: "Manual entry",
        ReportType: "Manual",
        StagingTable: "stg_manual_orders",
        TransformFolder: "manual");

    public Abstractions.Portals.IPortal? Portal => null;

    public IReportParser Parser { get; } = new LayoutReportParser(ManualTemplateLayout.Instance);
}
