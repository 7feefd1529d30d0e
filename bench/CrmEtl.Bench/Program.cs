using CrmEtl.Fixtures;

// crm-etl-bench samples <dir>   writes the sample reports the README ingests (spec format, quirks included).
if (args is ["samples", var dir])
{
    Directory.CreateDirectory(dir);
    var day = new DateOnly(2025, 11, 12);
    TdOrderReport.Build(TdOrderReport.Orders("a668", day), new TdReportOptions { MoneyAsText = true, BlankOrderNoRow = true })
        .Write(Path.Combine(dir, "TD_OrderReport_UttamNagar_2025-11-12_to_2025-11-12.xlsx"));
    UcGstReport.Build(UcGstReport.Invoices("UC567", day), new UcReportOptions { InvoiceDateAsText = true })
        .Write(Path.Combine(dir, "UC_GST_Sector56_2025-11-12_to_2025-11-12.xlsx"));
    Console.WriteLine($"samples written to {dir}");
    return 0;
}
Console.Error.WriteLine("usage: crm-etl-bench samples <dir>");
return 2;
