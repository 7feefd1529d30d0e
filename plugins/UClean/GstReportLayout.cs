using CrmEtl.Abstractions;
using CrmEtl.Abstractions.Reports;

namespace CrmEtl.Plugins.UClean;

/// <summary>The 13 columns of the UClean GST report (../shared/spec/portals.md).</summary>
internal static class GstReportLayout
{
    public static readonly ReportLayout Instance = new()
    {
        KeyHeader = "Booking ID",
        RequireFooter = true, // a report cut short has lost its footer
        DateHeader = "Invoice Date",
        Columns =
        [
            new("S.No.", "s_no", CellKind.Text) { InRowHash = false }, // only the row's place in the file
            new("Booking ID", "booking_id", CellKind.Text, Required: true),
            new("Invoice No.", "invoice_no", CellKind.Text),
            new("Invoice Date", "invoice_date", CellKind.DateTime, Required: true),
            new("Customer Name", "customer_name", CellKind.Text),
            new("Customer Ph. No.", "customer_ph_no", CellKind.Text),
            new("Payment Status", "payment_status", CellKind.Text),
            new("Customer GSTIN", "customer_gstin", CellKind.Text),
            new("Place of Supply", "place_of_supply", CellKind.Text),
            new("Taxable Value", "taxable_value", CellKind.Money),
            new("CGST", "cgst", CellKind.Money),
            new("SGST", "sgst", CellKind.Money),
            new("Total Invoice Value", "total_invoice_value", CellKind.Money),
        ],
    };
}
