using CrmEtl.Abstractions;
using CrmEtl.Abstractions.Reports;

namespace CrmEtl.Plugins.Manual;

/// <summary>The manual template's columns; README.md beside this file documents each.</summary>
internal static class ManualTemplateLayout
{
    public static readonly ReportLayout Instance = new()
    {
        KeyHeader = "Order ID",
        DateHeader = "Order Date Time",
        Columns =
        [
            new("Order ID", "order_id", CellKind.Text, Required: true),
            new("Invoice No", "invoice_no", CellKind.Text),
            new("Order Date Time", "order_date_time", CellKind.DateTime, Required: true),
            new("Customer Name", "customer_name", CellKind.Text),
            new("Customer Mobile", "customer_mobile", CellKind.Text),
            new("Customer Code", "customer_code", CellKind.Text),
            new("Gross Amount", "gross_amount", CellKind.Money),
            new("Discount", "discount", CellKind.Money),
            new("Taxable Amount", "taxable_amount", CellKind.Money),
            new("Tax", "tax", CellKind.Money),
            new("Net Amount", "net_amount", CellKind.Money),
            new("Payment Mode", "payment_mode", CellKind.Text),
            new("Payment Status", "payment_status", CellKind.Text),
            new("Order Status", "order_status", CellKind.Text),
        ],
    };
}
