using CrmEtl.Abstractions;
using CrmEtl.Abstractions.Reports;

namespace CrmEtl.Plugins.SalesPro;

/// <summary>
/// SalesPro's appointments export (CSV): one row per appointment, versioned by <c>_updated_at</c>, so a later export
/// updates and an older one never rolls back. A row the reader cannot take is rejected with its row and column and the
/// rest of the file loads (the export is large and a person cannot re-type it).
/// </summary>
public sealed class SalesProPlugin : ISourcePlugin
{
    public SourceInfo Info { get; } = new("salespro", "SalesPro") { SourceSystem = "SALESPRO" };

    public IReadOnlyList<Dataset> Datasets { get; } =
    [
        new()
        {
            Name = "appointments",
            StagingTable = "stg_salespro_appointments",
            ReportType = "Appointments",
            Layout = new ReportLayout
            {
                KeyHeader = "_id",
                VersionHeader = "_updated_at",
                BlankKey = BlankKey.Reject,
                Columns =
                [
                    new("_id", "id", CellKind.Text, Required: true),
                    new("_created_at", "created_at", CellKind.Instant, Required: true),
                    new("_updated_at", "updated_at", CellKind.Instant, Required: true),
                    // The rest may be left out of an export set up with fewer columns: they read as blank.
                    new("isSale", "is_sale", CellKind.Boolean) { Optional = true },
                    new("resultFullString", "result_full_string", CellKind.FreeText) { Optional = true },
                    new("customer.nameLast", "customer_last_name", CellKind.Text) { Optional = true },
                    new("customer.nameFirst", "customer_first_name", CellKind.Text) { Optional = true },
                    new("customer.estimateName", "customer_estimate_name", CellKind.Text) { Optional = true },
                    new("salesrep.email", "salesrep_email", CellKind.Text) { Optional = true },
                    new("salesrep.nameFirst", "salesrep_first_name", CellKind.Text) { Optional = true },
                    new("salesrep.nameLast", "salesrep_last_name", CellKind.Text) { Optional = true },
                    new("saleAmount", "sale_amount", CellKind.Number) { Optional = true },
                ],
            },
        },
    ];
}
