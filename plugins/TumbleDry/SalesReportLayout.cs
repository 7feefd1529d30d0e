using CrmEtl.Abstractions;
using CrmEtl.Abstractions.Reports;

namespace CrmEtl.Plugins.TumbleDry;

/// <summary>
/// The 15 columns of the TumbleDry Sales &amp; Delivery report (../shared/spec/portals.md): one row per payment, so an
/// order number repeats and every row is its own. Its window is by payment date.
/// </summary>
internal static class SalesReportLayout
{
    private const CellKind Text = CellKind.Text;
    private const CellKind Money = CellKind.Money;
    private const CellKind Time = CellKind.DateTime;

    public static readonly ReportLayout Instance = new()
    {
        KeyHeader = "Order Number",
        UniqueKey = false,
        RequireFooter = true,
        DateHeader = "Payment Date",
        Columns =
        [
            new("Order Date", "order_date", Time),
            new("Payment Date", "payment_date", Time, Required: true),
            new("Order Number", "order_number", Text, Required: true),
            new("Customer Code", "customer_code", Text),
            new("Customer Name", "customer_name", Text),
            new("Customer Address", "customer_address", Text),
            new("Customer Mobile No.", "customer_mobile", Text),
            new("Payment Received", "payment_received", Money),
            new("Adjustments", "adjustments", Money),
            new("Balance", "balance", Money),
            new("Accept By", "accept_by", Text),
            new("Payment Mode", "payment_mode", Text),
            new("Online TransactionID", "online_transaction_id", Text),
            new("Payment Made At", "payment_made_at", Text),
            new("Type", "type", Text),
        ],
    };
}
