using System.Globalization;

namespace CrmEtl.Fixtures;

/// <summary>
/// The UClean GST report as ../shared/spec/portals.md describes it: 13 columns, day-first Invoice Date
/// (a date cell or dd/MM/yyyy text), CGST = SGST, and a final Total row. Deterministic per store and day;
/// a later <c>asOf</c> shows more bookings and settled payments.
/// </summary>
public static class UcGstReport
{
    public static readonly IReadOnlyList<string> Headers =
    [
        "S.No.", "Booking ID", "Invoice No.", "Invoice Date", "Customer Name", "Customer Ph. No.",
        "Payment Status", "Customer GSTIN", "Place of Supply", "Taxable Value", "CGST", "SGST", "Total Invoice Value",
    ];

    public static IReadOnlyList<UcInvoice> Invoices(string storeCode, DateOnly day, DateTime? asOf = null, int? count = null)
    {
        var r = IndianData.For(storeCode, day, salt: 7);
        var n = count ?? r.Next(8, 22);
        var fiscalStart = day.Month >= 4 ? day.Year : day.Year - 1;
        var list = new List<UcInvoice>(n);
        for (var i = 0; i < n; i++)
        {
            var time = day.ToDateTime(new TimeOnly(10, 0)).AddMinutes(i * (600.0 / n) + r.Next(0, 20));
            var taxable = Math.Round((decimal)r.Next(9, 120) * 10m + (decimal)r.Next(0, 100) / 100m, 2);
            var half = Math.Round(taxable * 0.09m, 2);
            var (mobile, written) = IndianData.Mobile(r);
            var seq = (day.DayNumber % 5000) * 30 + i + 1;
            var paidLate = r.Next(3) == 0;
            var hours = ((asOf ?? day.ToDateTime(TimeOnly.MaxValue)) - time).TotalHours;
            var status = paidLate ? (hours < 6 ? "Pending" : "Partially Paid") : (hours < 3 ? "Pending" : "Paid");
            list.Add(new UcInvoice(
                BookingId: $"{storeCode}-{seq}",
                InvoiceNo: $"{storeCode}-{fiscalStart}-{(fiscalStart + 1) % 100:D2}-{seq}",
                InvoiceTime: time,
                CustomerName: IndianData.Name(r),
                Mobile: mobile,
                PhoneAsWritten: written,
                PaymentStatus: status,
                Taxable: taxable, Cgst: half, Sgst: half));
        }
        return asOf is { } seen ? list.Where(x => x.InvoiceTime <= seen).ToList() : list;
    }

    public static ReportTable Build(IReadOnlyList<UcInvoice> invoices, UcReportOptions? options = null)
    {
        options ??= new UcReportOptions();
        var table = new ReportTable(Headers);
        foreach (var (x, position) in invoices.Select((x, i) => (x, i)))
        {
            // Attributes belong to the invoice, not to its row: the same invoice looks the same in every window.
            var i = x.BookingId.Aggregate(17, (h, c) => unchecked(h * 31 + c)) & 0x7fffffff;
            var row = table.NewRow();
            row[0] = (double)(position + 1);
            row[1] = x.BookingId;
            row[2] = x.InvoiceNo;
            row[3] = options.InvoiceDateAsText
                ? x.InvoiceTime.ToString(i % 2 == 0 ? "dd/MM/yyyy hh:mm tt" : "dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture)
                : x.InvoiceTime;
            row[4] = x.CustomerName;
            row[5] = x.PhoneAsWritten;
            row[6] = x.PaymentStatus;
            row[7] = i % 7 == 0 ? "06AABCU9603R1ZM" : null;
            row[8] = "Haryana";
            row[9] = Money(x.Taxable, options, position);
            row[10] = Money(x.Cgst, options, position);
            row[11] = Money(x.Sgst, options, position);
            row[12] = Money(x.Total, options, position);
            table.Rows.Add(row);
        }
        if (options.TotalRow)
        {
            var total = table.NewRow();
            total[options.TotalLabelColumn] = "Total";
            total[9] = Money(invoices.Sum(x => x.Taxable), options, 0);
            total[10] = Money(invoices.Sum(x => x.Cgst), options, 0);
            total[11] = Money(invoices.Sum(x => x.Sgst), options, 0);
            total[12] = Money(invoices.Sum(x => x.Total) + options.TotalError, options, 0);
            table.Footer.Add(total);
        }
        return table;
    }

    private static object Money(decimal value, UcReportOptions options, int salt) =>
        options.MoneyAsText && salt % 2 == 0 ? value.ToString("#,##0.00", CultureInfo.InvariantCulture) : (double)value;
}
