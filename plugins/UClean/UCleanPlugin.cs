using CrmEtl.Abstractions;
using CrmEtl.Abstractions.Reports;

namespace CrmEtl.Plugins.UClean;

/// <summary>UClean (store.ucleanlaundry.com): the GST report of its JSON API.</summary>
public sealed class UCleanPlugin : ISourcePlugin
{
    public SourceInfo Info { get; } = new(
        Crm: "uc",
        SourceSystem: "UC",
        DisplayName: "UClean",
        ReportType: "GST",
        StagingTable: "stg_uc_gst_report",
        TransformFolder: "uc");

    public IReportParser Parser { get; } = new LayoutReportParser(GstReportLayout.Instance);

    public Abstractions.Portals.IPortal Portal { get; } = new UCleanPortal();
}
