using CrmEtl.Abstractions;
using CrmEtl.Abstractions.Reports;

namespace CrmEtl.Plugins.Laundromat;

/// <summary>A minimal source: a four-column sales sheet, its own staging table and transforms.</summary>
public sealed class LaundromatPlugin : ISourcePlugin
{
    public SourceInfo Info { get; } = new("lm", "LM", "Laundromat", "Sales", "stg_lm_sales", "lm");

    public Abstractions.Portals.IPortal? Portal => null;

    public IReportParser Parser { get; } = new LayoutReportParser(new ReportLayout
    {
        KeyHeader = "Bill",
        Columns =
        [
            new("Bill", "bill", CellKind.Text, Required: true),
            new("Date", "bill_date", CellKind.DateTime, Required: true),
            new("Customer", "customer", CellKind.Text),
            new("Amount", "amount", CellKind.Money),
        ],
    });
}
