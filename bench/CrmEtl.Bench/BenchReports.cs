using CrmEtl.Fixtures;

/// <summary>
/// Large TumbleDry Order Reports in the spec's format, written row by row: many days of the two stores'
/// generated orders (deterministic), text amounts and dates as the portal writes them, Total and footer rows.
/// <c>changedShare</c> of the orders move on in status and payment (the "1% changed" re-merge).
/// </summary>
internal static class BenchReports
{
    public static void WriteTd(int rows, string path, double changedShare)
    {
        var orders = Orders(rows, changedShare).ToList();
        TdOrderReport.Build(orders, new TdReportOptions { MoneyAsText = true }).Write(path);
    }

    private static IEnumerable<TdOrder> Orders(int rows, double changedShare)
    {
        var produced = 0;
        var changeEvery = changedShare > 0 ? (int)Math.Round(1 / changedShare) : int.MaxValue;
        for (var day = new DateOnly(2020, 1, 1); produced < rows; day = day.AddDays(1))
        {
            foreach (var o in TdOrderReport.Orders("a668", day, count: Math.Min(400, rows - produced)))
            {
                produced++;
                var unique = o with { OrderNo = $"A{produced:D7}" };
                yield return produced % changeEvery == 0
                    ? unique with { Status = "Delivered", Paid = o.Net - o.Advance, Services = o.Services + " + Starch" }
                    : unique;
                if (produced == rows) yield break;
            }
        }
    }
}
