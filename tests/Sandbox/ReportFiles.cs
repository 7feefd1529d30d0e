using CrmEtl.Fixtures;

namespace CrmEtl.Sandbox;

/// <summary>Builds a store's report for a window, as the portal would at the sandbox's "now", with the knobs applied.</summary>
public static class ReportFiles
{
    public static byte[] TumbleDry(SandboxState state, string storeCode, DateOnly from, DateOnly to)
    {
        var orders = Days(state, from, to).SelectMany(d => TdOrderReport.Orders(storeCode, d.Day, d.AsOf)).ToList();
        var table = TdOrderReport.Build(orders, new TdReportOptions { MoneyAsText = true, BlankOrderNoRow = orders.Count > 5 });
        return Finish(state, storeCode, table);
    }

    public static byte[] TumbleDrySales(SandboxState state, string storeCode, DateOnly from, DateOnly to)
    {
        var payments = Days(state, from, to).SelectMany(d => TdSalesReport.Payments(storeCode, d.Day, d.AsOf)).ToList();
        return Finish(state, storeCode, TdSalesReport.Build(payments));
    }

    public static byte[] UClean(SandboxState state, string storeCode, DateOnly from, DateOnly to)
    {
        var invoices = Days(state, from, to).SelectMany(d => UcGstReport.Invoices(storeCode, d.Day, d.AsOf)).ToList();
        var table = UcGstReport.Build(invoices, new UcReportOptions { InvoiceDateAsText = storeCode.EndsWith('0'), MoneyAsText = true });
        return Finish(state, storeCode, table);
    }

    private static IEnumerable<(DateOnly Day, DateTime? AsOf)> Days(SandboxState state, DateOnly from, DateOnly to)
    {
        var now = state.Knobs.Now;
        var today = DateOnly.FromDateTime(now);
        for (var day = from; day <= to && day <= today; day = day.AddDays(1))
        {
            if (state.Knobs.EmptyDays.Contains(day)) continue;
            yield return (day, day == today ? now : null);
        }
    }

    private static byte[] Finish(SandboxState state, string storeCode, ReportTable table)
    {
        var knobs = state.Knobs;
        if (knobs.RenamedColumn is { } renamed && knobs.Applies(storeCode) && table.Headers.Contains(renamed))
            table.RenameHeader(renamed, renamed + " (new)");
        var path = Path.GetTempFileName();
        try
        {
            table.Write(path);
            var bytes = File.ReadAllBytes(path);
            return knobs.TruncatedFile && knobs.Applies(storeCode) ? bytes[..(bytes.Length / 2)] : bytes;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
