using CrmEtl.Abstractions;

namespace CrmEtl.Plugins.UClean;

/// <summary>UClean (store.ucleanlaundry.com): the GST report of its JSON API, per store.</summary>
public sealed class UCleanPlugin : ISourcePlugin
{
    public SourceInfo Info { get; } = new("uc", "UClean") { SourceSystem = "UC", HasStores = true };

    public IReadOnlyList<Dataset> Datasets { get; } =
    [
        new()
        {
            Name = "orders",
            StagingTable = "stg_uc_gst_report",
            Layout = GstReportLayout.Instance,
            ReportType = "GST",
            AllOrNothing = true, // its Total row must reconcile with the rows loaded
        },
    ];

    public Abstractions.Portals.IPortal Portal { get; } = new UCleanPortal();
}
