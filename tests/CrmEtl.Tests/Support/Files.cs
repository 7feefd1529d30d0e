using CrmEtl.Fixtures;

namespace CrmEtl.Tests.Support;

/// <summary>Report files for tests, written in the spec's format under a test's own folder.</summary>
internal static class Files
{
    public static readonly DateOnly Day = new(2025, 11, 12);

    /// <summary>A file's md5 as the ledger writes it (32 lower-case hex digits).</summary>
    public static string Md5(string path) =>
        Convert.ToHexString(System.Security.Cryptography.MD5.HashData(File.ReadAllBytes(path))).ToLowerInvariant();

    public static string Td(string dir, IReadOnlyList<TdOrder> orders, TdReportOptions? options = null,
        Action<ReportTable>? bend = null, string name = "order-report.xlsx")
    {
        var table = TdOrderReport.Build(orders, options);
        bend?.Invoke(table);
        var path = Path.Combine(dir, name);
        table.Write(path);
        return path;
    }

    public static string Uc(string dir, IReadOnlyList<UcInvoice> invoices, UcReportOptions? options = null,
        Action<ReportTable>? bend = null, string name = "gst-report.xlsx")
    {
        var table = UcGstReport.Build(invoices, options);
        bend?.Invoke(table);
        var path = Path.Combine(dir, name);
        table.Write(path);
        return path;
    }
}
