using CrmEtl.Abstractions;

namespace CrmEtl.Plugins.Manual;

/// <summary>Orders typed by hand into template.csv (or the same columns in an .xlsx), for stores or days outside the CRMs.</summary>
public sealed class ManualPlugin : ISourcePlugin
{
    public SourceInfo Info { get; } = new("manual", "Manual entry") { SourceSystem = "MANUAL", HasStores = true };

    public IReadOnlyList<Dataset> Datasets { get; } =
    [
        new()
        {
            Name = "orders",
            StagingTable = "stg_manual_orders",
            Layout = ManualTemplateLayout.Instance,
            ReportType = "Manual",
            AllOrNothing = true, // a person fixes the file and sends it again
        },
    ];
}
