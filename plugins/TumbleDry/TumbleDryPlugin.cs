using CrmEtl.Abstractions;

namespace CrmEtl.Plugins.TumbleDry;

/// <summary>
/// TumbleDry (QuickDryCleaning), per store: the Order Report (what was ordered) and the Sales &amp; Delivery report
/// (how it was paid) of subs/reports.quickdrycleaning.com.
/// </summary>
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
        new()
        {
            Name = "payments",
            StagingTable = "stg_td_sales_report",
            Layout = SalesReportLayout.Instance,
            ReportType = "SalesReport",
            AllOrNothing = true,
        },
    ];

    public Abstractions.Portals.IPortal Portal { get; } = new TumbleDryPortal();
}
