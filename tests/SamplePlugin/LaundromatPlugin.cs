using CrmEtl.Abstractions;
using CrmEtl.Abstractions.Reports;

namespace CrmEtl.Plugins.Laundromat;

/// <summary>A minimal order source: a four-column sales sheet, its own staging table and model.</summary>
public sealed class LaundromatPlugin : ISourcePlugin
{
    public SourceInfo Info { get; } = new("lm", "Laundromat") { SourceSystem = "LM", HasStores = true };

    public IReadOnlyList<Dataset> Datasets { get; } =
    [
        new()
        {
            Name = "sales",
            StagingTable = "stg_lm_sales",
            ReportType = "Sales",
            AllOrNothing = true,
            Layout = new ReportLayout
            {
                KeyHeader = "Bill",
                Columns =
                [
                    new("Bill", "bill", CellKind.Text, Required: true),
                    new("Date", "bill_date", CellKind.DateTime, Required: true),
                    new("Customer", "customer", CellKind.Text),
                    new("Amount", "amount", CellKind.Money),
                ],
            },
        },
    ];
}
