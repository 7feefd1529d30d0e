using CrmEtl.Abstractions;
using CrmEtl.Abstractions.Reports;

namespace CrmEtl.Plugins.TumbleDry;

/// <summary>TumbleDry (QuickDryCleaning): the Order Report of subs/reports.quickdrycleaning.com.</summary>
public sealed class TumbleDryPlugin : ISourcePlugin
{
    public SourceInfo Info { get; } = new(
        Crm: "td",
        SourceSystem: "TD",
        DisplayName: "TumbleDry",
        ReportType: "OrderReport",
        StagingTable: "stg_td_order_report",
        TransformFolder: "td");

    public IReportParser Parser { get; } = new LayoutReportParser(OrderReportLayout.Instance);

    public Abstractions.Portals.IPortal Portal { get; } = new TumbleDryPortal();
}
