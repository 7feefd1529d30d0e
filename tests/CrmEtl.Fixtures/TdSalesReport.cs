using System.Globalization;

namespace CrmEtl.Fixtures;

/// <summary>
/// The TumbleDry Sales &amp; Delivery report as ../shared/spec/portals.md describes it: one row per payment (an
/// advance at the counter, the rest on delivery, some split between two modes in the same second, package
/// redemptions, a next-day payment of an order left unpaid), modes spelled as the portal does, money as numbers or
/// text, and the footer rows. Payments follow the orders of <see cref="TdOrderReport"/>, so the two reports agree.
/// </summary>
public static class TdSalesReport
{
    public static readonly IReadOnlyList<string> Headers =
    [
        "Order Date", "Payment Date", "Order Number", "Customer Code", "Customer Name", "Customer Address",
        "Customer Mobile No.", "Payment Received", "Adjustments", "Balance", "Accept By", "Payment Mode",
        "Online TransactionID", "Payment Made At", "Type",
    ];

    /// <summary>The store's payments dated <paramref name="day"/>, as seen at <paramref name="asOf"/> (IST; null = end of day).</summary>
    public static IReadOnlyList<TdPayment> Payments(string storeCode, DateOnly day, DateTime? asOf = null)
    {
        var end = asOf ?? day.AddDays(1).ToDateTime(TimeOnly.MinValue);
        return TdOrderReport.Orders(storeCode, day.AddDays(-1)).Concat(TdOrderReport.Orders(storeCode, day, asOf))
            .SelectMany(o => PaymentsOf(o))
            .Where(p => DateOnly.FromDateTime(p.PaidAt) == day && p.PaidAt <= end)
            .OrderBy(p => p.PaidAt)
            .ToList();
    }

    /// <summary>Every payment an order gets over its life: the advance, then the rest on delivery or the next day.</summary>
    public static IReadOnlyList<TdPayment> PaymentsOf(TdOrder order)
    {
        var r = new Random(order.OrderNo.Aggregate(7, (h, c) => unchecked(h * 31 + c)));
        var payments = new List<TdPayment>();
        var owed = order.Net;
        if (order.Advance > 0)
        {
            owed -= order.Advance;
            payments.Add(Payment(order, order.OrderTime.AddSeconds(r.Next(5, 50)), order.Advance, 0m, owed, r, "Advance"));
        }
        // The rest: on delivery, 8 hours after the order (the Order Report's Delivered), or the next morning.
        var delivered = order.OrderTime.AddHours(8).AddSeconds(r.Next(0, 600));
        var payLater = r.Next(4) == 0;
        var when = payLater ? order.OrderTime.Date.AddDays(1).AddHours(10).AddMinutes(r.Next(0, 300)) : delivered;
        if (r.Next(5) == 0 && owed > 100)
        {
            // A split bill: part by UPI, the rest in cash, in the same second.
            var upi = Math.Round(owed * 0.6m, 2);
            payments.Add(Payment(order, when, upi, 0m, owed - upi, r, "Delivery", "UPI"));
            payments.Add(Payment(order, when, owed - upi, 0m, 0m, r, "Delivery", "cash"));
        }
        else
        {
            var adjustment = r.Next(6) == 0 ? Math.Min(owed, (decimal)r.Next(1, 20)) : 0m;
            payments.Add(Payment(order, when, owed - adjustment, adjustment, 0m, r, "Delivery"));
        }
        return payments;
    }

    private static readonly string?[] Modes = ["UPI", "Cash", "Card", " Package ", "upi", "CASH", "Bank Transfer", null, "Paytm Wallet"];

    private static TdPayment Payment(TdOrder order, DateTime at, decimal received, decimal adjustments, decimal balance, Random r,
        string type, string? mode = null)
    {
        mode ??= Modes[r.Next(Modes.Length)];
        var normalised = mode?.Trim().ToLowerInvariant() switch
        {
            null or "" => "Unspecified",
            "upi" => "UPI",
            "cash" => "Cash",
            "card" => "Card",
            "package" => "Package",
            "bank transfer" => "Bank Transfer",
            _ => mode.Trim(),
        };
        var online = normalised is "UPI" or "Card" or "Bank Transfer" ? $"TXN{r.Next(100_000_000, 999_999_999)}" : null;
        return new TdPayment(order, at, received, adjustments, balance, mode, normalised, online, normalised == "Package" ? "Package" : type);
    }

    /// <summary>The report as the portal exports it.</summary>
    public static ReportTable Build(IReadOnlyList<TdPayment> payments, bool moneyAsText = true, bool totalRow = true, decimal totalError = 0m)
    {
        var table = new ReportTable(Headers);
        foreach (var (p, i) in payments.Select((p, i) => (p, i)))
        {
            var row = table.NewRow();
            row[0] = p.Order.OrderTime.ToString("dd MMM yyyy", CultureInfo.InvariantCulture);
            row[1] = p.PaidAt.ToString("dd MMM yyyy hh:mm:ss tt", CultureInfo.InvariantCulture);
            row[2] = p.Order.OrderNo;
            row[3] = p.Order.CustomerCode;
            row[4] = p.Order.Name;
            row[5] = p.Order.Address;
            row[6] = p.Order.PhoneAsWritten;
            row[7] = Money(p.Received, moneyAsText && i % 2 == 0);
            row[8] = p.Adjustments == 0 ? null : Money(p.Adjustments, false);
            row[9] = p.Balance == 0 ? null : Money(p.Balance, moneyAsText && i % 3 == 0);
            row[10] = i % 2 == 0 ? "Counter Staff" : "Store Manager";
            row[11] = p.ModeAsWritten;
            row[12] = p.TransactionId;
            row[13] = "Store";
            row[14] = p.Type;
            table.Rows.Add(row);
        }
        if (totalRow)
        {
            var total = table.NewRow();
            total[0] = "Total";
            total[7] = Money(payments.Sum(p => p.Received) + totalError, moneyAsText);
            total[8] = Money(payments.Sum(p => p.Adjustments), false);
            total[9] = Money(payments.Sum(p => p.Balance), false);
            table.Footer.Add(total);
        }
        table.Footer.Add([$"Total Records : {payments.Count}"]);
        table.Footer.Add(["Report Generated On : 12 Nov 2025 06:15 PM"]);
        table.Footer.Add(["Powered by Quick Dry Cleaning Software"]);
        return table;
    }

    private static object Money(decimal value, bool asText) =>
        asText ? value.ToString("#,##0.00", CultureInfo.InvariantCulture) : (double)value;
}
