using CrmEtl.Abstractions;
using CrmEtl.Abstractions.Reports;

namespace CrmEtl.Plugins.TumbleDry;

/// <summary>The 42 columns of the TumbleDry Order Report, in the portal's order (../shared/spec/portals.md).</summary>
internal static class OrderReportLayout
{
    private const CellKind Text = CellKind.Text;
    private const CellKind Money = CellKind.Money;
    private const CellKind Time = CellKind.DateTime;

    public static readonly ReportLayout Instance = new()
    {
        KeyHeader = "Order No.",
        RequireFooter = true, // a report cut short has lost its footer
        DateHeader = "Order Date / Time",
        Columns =
        [
            new("Order Date / Time", "order_date_time", Time, Required: true),
            new("Order No.", "order_no", Text, Required: true),
            new("Customer Code", "customer_code", Text),
            new("Name", "name", Text),
            new("Address", "address", Text),
            new("Phone", "phone", Text),
            new("Preference", "preference", Text),
            new("Due Date", "due_date", Time),
            new("Last Activity", "last_activity", Time),
            new("Pcs.", "pcs", Text),
            new("Weight", "weight", Text),
            new("Gross Amount", "gross_amount", Money),
            new("Discount", "discount", Money),
            new("Tax", "tax", Money),
            new("Net Amount", "net_amount", Money),
            new("Advance", "advance", Money),
            new("Paid", "paid", Money),
            new("Adjustment", "adjustment", Money),
            new("Balance", "balance", Money),
            new("Advance Received", "advance_received", Money),
            new("Advance Used", "advance_used", Money),
            new("Booked By", "booked_by", Text),
            new("Workshop Note", "workshop_note", Text),
            new("Order Note", "order_note", Text),
            new("Home Delivery", "home_delivery", Text),
            new("Area Location", "area_location", Text),
            new("Garments Inspected By", "garments_inspected_by", Text),
            new("Customer GSTIN", "customer_gstin", Text),
            new("Registration Source", "registration_source", Text),
            new("Order From POS", "order_from_pos", Text),
            new("Package", "package", Text),
            new("Package Type", "package_type", Text),
            new("Package Name", "package_name", Text),
            new("Feedback", "feedback", Text),
            new("Tags", "tags", Text),
            new("Comment", "comment", Text),
            new("Primary Services", "primary_services", Text),
            new("Top Up/Extra Service", "top_up_extra_service", Text),
            new("Order Status", "order_status", Text),
            new("Last Payment Activity", "last_payment_activity", Text),
            new("Package Payment Info", "package_payment_info", Text),
            new("Coupon Code", "coupon_code", Text),
        ],
    };
}
