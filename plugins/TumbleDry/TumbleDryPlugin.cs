using CrmEtl.Abstractions;

namespace CrmEtl.Plugins.TumbleDry;

/// <summary>TumbleDry (QuickDryCleaning): the Order Report of subs/reports.quickdrycleaning.com, per store.</summary>
public sealed class TumbleDryPlugin : ISourcePlugin
{
    public SourceInfo Info { get; } = new("td", "TumbleDry") { SourceSystem = "TD", HasStores = true };

    public IReadOnlyList<Dataset> Datasets { get; } =
    [
        new()
        {
            Name = "orders",
            StagingTable = "stg_td_order_report",
            Layout = OrderReportLayout.Instance,
            ReportType = "OrderReport",
            AllOrNothing = true, // its Total row must reconcile with the rows loaded
        },
    ];

    public Abstractions.Portals.IPortal Portal { get; } = new TumbleDryPortal();
}
