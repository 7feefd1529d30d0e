using System.Diagnostics;
using CrmEtl.Fixtures;

// crm-etl-bench samples <dir>          the sample reports the README ingests
// crm-etl-bench generate <rows> <file> [share]  a TumbleDry Order Report of <rows> orders (spec format, quirks,
//                                              footer); with share (0.01), that share of them moved on
// crm-etl-bench generate-salespro <rows> <file> [version]  a SalesPro appointments CSV; a version moves 1% on
// crm-etl-bench generate-leads <sheets> <rows> <file>   a library leads workbook (the seed's formats in turn)
switch (args)
{
    case ["samples", var dir]:
        Directory.CreateDirectory(dir);
        var day = new DateOnly(2025, 11, 12);
        TdOrderReport.Build(TdOrderReport.Orders("a668", day), new TdReportOptions { MoneyAsText = true, BlankOrderNoRow = true })
            .Write(Path.Combine(dir, "TD_OrderReport_UttamNagar_2025-11-12_to_2025-11-12.xlsx"));
        UcGstReport.Build(UcGstReport.Invoices("UC567", day), new UcReportOptions { InvoiceDateAsText = true })
            .Write(Path.Combine(dir, "UC_GST_Sector56_2025-11-12_to_2025-11-12.xlsx"));
        SalesProExport.Write(60, Path.Combine(dir, "SalesPro2025-06-18.csv"));
        // the standard format, the seed's three others and a Google Forms export: one sheet each
        LeadsWorkbook.Write(Path.Combine(dir, "Leads-2025-11-12.xlsx"), sheets: 5, rows: 120, seed: 1112, invalidShare: 0.02, repeatShare: 0.08);
        Console.WriteLine($"samples written to {dir}");
        return 0;
    case ["generate", var rows, var file, ..]:
        var clock = Stopwatch.StartNew();
        BenchReports.WriteTd(int.Parse(rows), file, changedShare: args.Length > 3 ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 0);
        Console.WriteLine($"{rows} rows → {file} ({new FileInfo(file).Length / 1e6:0.0} MB) in {clock.Elapsed.TotalSeconds:0.0} s");
        return 0;
    case ["generate-salespro", var rows, var file, ..]:
        SalesProExport.Write(int.Parse(rows), file, args.Length > 3 ? int.Parse(args[3]) : 0);
        Console.WriteLine($"{rows} appointments → {file} ({new FileInfo(file).Length / 1e6:0.0} MB)");
        return 0;
    case ["generate-leads", var sheets, var rows, var file]:
        var truth = LeadsWorkbook.Write(file, int.Parse(sheets), int.Parse(rows));
        Console.WriteLine($"{truth.Rows} rows on {sheets} sheets → {file} ({new FileInfo(file).Length / 1e6:0.0} MB): {truth.Leads} leads, {truth.Rejected} without a valid phone");
        return 0;
    case ["parse", var file, ..]:
        foreach (var (stage, seconds, rows) in args.Length > 2 ? ParseStages.Run(file, args[2], args.Length > 3 ? args[3] : args[2]) : ParseStages.Run(file))
            Console.WriteLine($"{stage,-28} {seconds,7:0.000} s  {rows / seconds,10:N0} rows/s");
        return 0;
    case ["run", ..]:
        var sizes = Sizes(Option(args, "--sizes", "10000,100000,1000000"));
        var portalRuns = int.Parse(Option(args, "--portal-runs", "5"));
        var root = Root();
        var pandasSizes = Sizes(Option(args, "--pandas-sizes", "10000,100000"));
        var salesProSizes = Sizes(Option(args, "--salespro-sizes", "1000000"));
        var erpNext = int.Parse(Option(args, "--erpnext-documents", "100000"));
        var leadRows = int.Parse(Option(args, "--leads-rows", "200000"));
        var webOrders = int.Parse(Option(args, "--web-orders", "1000000"));
        return await new BenchRunner(root, sizes, portalRuns, Path.GetFullPath(Option(args, "--out", Path.Combine(root, "bench", "results.md"))),
            pandasSizes, salesProSizes, erpNext, leadRows, webOrders).RunAsync();
    default:
        Console.Error.WriteLine("usage: crm-etl-bench run [--sizes 10000,100000,1000000] [--portal-runs 5] [--pandas-sizes 10000,100000] [--salespro-sizes 1000000] [--erpnext-documents 100000] [--leads-rows 200000] [--web-orders 1000000] [--out bench/results.md]\n" +
                                "       crm-etl-bench samples <dir> | generate <rows> <file> [share] | generate-salespro <rows> <file> [version] | generate-leads <sheets> <rows> <file> | parse <file> [crm [dataset]]");
        return 2;
}

static List<int> Sizes(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();

static string Option(string[] args, string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

static string Root()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "CrmEtl.sln"))) return dir.FullName;
    throw new InvalidOperationException("cannot find CrmEtl.sln");
}
