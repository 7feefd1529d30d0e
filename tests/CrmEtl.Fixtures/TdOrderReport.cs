using System.Globalization;

namespace CrmEtl.Fixtures;

/// <summary>
/// The TumbleDry Order Report exactly as ../shared/spec/portals.md describes it: 42 columns, text dates
/// like "12 Nov 2025 10:32 AM", phones in several shapes, and footer rows. Orders are deterministic per
/// store and day; a later <c>asOf</c> shows more orders and later statuses (as the real portal does).
/// </summary>
public static class TdOrderReport
{
    public static readonly IReadOnlyList<string> Headers =
    [
        "Order Date / Time", "Order No.", "Customer Code", "Name", "Address", "Phone", "Preference",
        "Due Date", "Last Activity", "Pcs.", "Weight", "Gross Amount", "Discount", "Tax",
        "Net Amount", "Advance", "Paid", "Adjustment", "Balance", "Advance Received", "Advance Used",
        "Booked By", "Workshop Note", "Order Note", "Home Delivery", "Area Location",
        "Garments Inspected By", "Customer GSTIN", "Registration Source", "Order From POS",
        "Package", "Package Type", "Package Name", "Feedback", "Tags", "Comment",
        "Primary Services", "Top Up/Extra Service", "Order Status", "Last Payment Activity",
        "Package Payment Info", "Coupon Code",
    ];

    private static readonly string[] Services = ["Dry Clean", "Wash & Fold", "Wash & Iron", "Steam Press", "Shoe Clean"];

    /// <summary>The orders of one store's day, as seen at <paramref name="asOf"/> (IST); null = end of day.</summary>
    public static IReadOnlyList<TdOrder> Orders(string storeCode, DateOnly day, DateTime? asOf = null, int? count = null)
    {
        var r = IndianData.For(storeCode, day);
        var n = count ?? r.Next(12, 30);
        var prefix = char.ToUpperInvariant(storeCode[0]);
        var orders = new List<TdOrder>(n);
        for (var i = 0; i < n; i++)
        {
            var time = day.ToDateTime(new TimeOnly(9, 0)).AddMinutes(i * (720.0 / n) + r.Next(0, 15));
            var pieces = r.Next(1, 12);
            var gross = pieces * (decimal)r.Next(6, 26) * 10m;
            var discount = r.Next(4) == 0 ? Math.Round(gross * 0.1m, 2) : 0m;
            var tax = Math.Round((gross - discount) * 0.18m, 2);
            var net = gross - discount + tax;
            var (mobile, written) = IndianData.Mobile(r);
            var advance = r.Next(5) == 0 ? Math.Round(net / 2, 0) : 0m;
            var payLater = r.Next(3) == 0;
            var order = new TdOrder(
                OrderNo: $"{prefix}{day.DayNumber % 1000:D3}{i + 1:D3}",
                OrderTime: time,
                CustomerCode: $"C{r.Next(1000, 9999)}",
                Name: IndianData.Name(r),
                Address: IndianData.Address(r, storeCode == "a668" ? "Uttam Nagar, New Delhi" : "Kirti Nagar, New Delhi"),
                Mobile: mobile,
                PhoneAsWritten: written,
                Pieces: pieces,
                Gross: gross, Discount: discount, Tax: tax, Net: net,
                Advance: advance,
                Paid: 0m,
                Status: "Pending",
                Services: Services[r.Next(Services.Length)]);
            orders.Add(Progress(order, asOf, payLater));
        }
        return asOf is { } seen ? orders.Where(o => o.OrderTime <= seen).ToList() : orders;
    }

    /// <summary>Status and payment move on with the hours since the order: Pending, In Process, Ready, Delivered.</summary>
    private static TdOrder Progress(TdOrder o, DateTime? asOf, bool payLater)
    {
        var hours = ((asOf ?? o.OrderTime.Date.AddDays(1)) - o.OrderTime).TotalHours;
        var status = hours switch { < 2 => "Pending", < 5 => "In Process", < 8 => "Ready", _ => "Delivered" };
        var paid = status == "Delivered" && !payLater ? o.Net - o.Advance : 0m;
        return o with { Status = status, Paid = paid };
    }

    /// <summary>The report as the portal exports it. Options bend it into the quirks of the spec.</summary>
    public static ReportTable Build(IReadOnlyList<TdOrder> orders, TdReportOptions? options = null)
    {
        options ??= new TdReportOptions();
        var table = new ReportTable(Headers);
        foreach (var (o, position) in orders.Select((o, i) => (o, i)))
        {
            // Attributes belong to the order, not to its row: the same order looks the same in every window.
            var i = OrderKey(o.OrderNo);
            var row = table.NewRow();
            row[0] = options.OrderTimeAsDateCell ? o.OrderTime : o.OrderTime.ToString("dd MMM yyyy hh:mm tt", CultureInfo.InvariantCulture);
            row[1] = o.OrderNo;
            row[2] = o.CustomerCode;
            row[3] = o.Name;
            row[4] = o.Address;
            row[5] = o.PhoneAsWritten;
            row[6] = i % 3 == 0 ? "Hanger" : "Folded";
            row[7] = o.OrderTime.AddDays(2).ToString("dd MMM yyyy", CultureInfo.InvariantCulture);
            row[8] = i % 4 == 0 ? null : o.OrderTime.AddHours(1).ToString("dd MMM yyyy hh:mm tt", CultureInfo.InvariantCulture);
            row[9] = (double)o.Pieces;
            row[10] = i % 2 == 0 ? null : $"{o.Pieces * 0.4:0.0}";
            var money = new[] { o.Gross, o.Discount, o.Tax, o.Net, o.Advance, o.Paid, 0m, o.Balance, o.Advance, o.Advance };
            for (var m = 0; m < money.Length; m++) row[11 + m] = Money(money[m], options, position + m);
            row[21] = "Counter";
            row[24] = i % 5 == 0 ? "Yes" : "No";
            row[25] = "Main";
            row[28] = i % 2 == 0 ? "Walk-in" : "App";
            row[29] = "Yes";
            row[36] = o.Services;
            row[38] = o.Status;
            row[39] = o.Paid > 0 ? "Paid " + o.OrderTime.ToString("dd MMM yyyy", CultureInfo.InvariantCulture) : null;
            table.Rows.Add(row);
        }
        if (options.BlankOrderNoRow && table.Rows.Count > 0)
        {
            var stray = table.NewRow();
            stray[3] = "Walk-in enquiry";
            table.Rows.Insert(table.Rows.Count / 2, stray);
        }

        if (options.TotalRow)
        {
            var total = table.NewRow();
            total[0] = "Total";
            total[9] = (double)orders.Sum(o => o.Pieces);
            total[11] = Money(orders.Sum(o => o.Gross), options, 0);
            total[12] = Money(orders.Sum(o => o.Discount), options, 0);
            total[13] = Money(orders.Sum(o => o.Tax), options, 0);
            total[14] = Money(orders.Sum(o => o.Net) + options.TotalNetError, options, 0);
            total[16] = Money(orders.Sum(o => o.Paid), options, 0);
            total[18] = Money(orders.Sum(o => o.Balance), options, 0);
            table.Footer.Add(total);
        }
        if (options.Footers)
        {
            table.Footer.Add([$"Total Records : {orders.Count}"]);
            table.Footer.Add(["Report Generated On : 12 Nov 2025 06:15 PM"]);
            table.Footer.Add(["This is a computer generated report"]);
            table.Footer.Add(["Powered by Quick Dry Cleaning Software"]);
        }
        return table;
    }

    private static int OrderKey(string orderNo) => orderNo.Aggregate(17, (h, c) => unchecked(h * 31 + c)) & 0x7fffffff;

    // Amounts come as numbers, as text with thousands separators, or blank for zero.
    private static object? Money(decimal value, TdReportOptions options, int salt)
    {
        if (value == 0m && options.ZeroAsBlank) return null;
        if (options.MoneyAsText && salt % 2 == 0) return value.ToString("#,##0.00", CultureInfo.InvariantCulture);
        return (double)value;
    }
}
