using CrmEtl.Abstractions;
using CrmEtl.Fixtures;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Parsing;

public sealed class UCleanReportTests
{
    private readonly string _dir = Repo.TempDir("uc-parse");
    private readonly IReadOnlyList<UcInvoice> _invoices = UcGstReport.Invoices("UC567", Files.Day, count: 15);

    [Fact]
    public void Invoice_date_cells_and_amounts_are_read_exactly()
    {
        var parsed = Parsed.Read("uc", Files.Uc(_dir, _invoices));
        Assert.Equal(15, parsed.Rows.Count);
        Assert.Equal(_invoices.Select(x => (object?)x.InvoiceTime), parsed.Rows.Select(r => r["invoice_date"]));
        Assert.Equal(_invoices.Sum(x => x.Total), parsed.Rows.Sum(r => (decimal)r["total_invoice_value"]!));
        Assert.True(parsed.Summary.TotalRowChecked);
    }

    [Fact]
    public void Day_first_text_dates_are_never_read_month_first()
    {
        var april3 = _invoices.Select(x => x with { InvoiceTime = new DateTime(2025, 4, 3, 11, 5, 0) }).ToList();
        var parsed = Parsed.Read("uc", Files.Uc(_dir, april3, new UcReportOptions { InvoiceDateAsText = true }));
        Assert.All(parsed.Rows, r => Assert.Equal(new DateTime(2025, 4, 3), ((DateTime)r["invoice_date"]!).Date));
        Assert.Equal(new DateTime(2025, 4, 3, 11, 5, 0), parsed.Rows[1]["invoice_date"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void The_Total_row_is_recognised_wherever_its_label_is(int labelColumn)
    {
        var parsed = Parsed.Read("uc", Files.Uc(_dir, _invoices, new UcReportOptions { TotalLabelColumn = labelColumn, MoneyAsText = true }));
        Assert.Equal(_invoices.Count, parsed.Rows.Count);
        Assert.True(parsed.Summary.TotalRowChecked);
    }

    [Fact]
    public void A_Total_row_that_disagrees_fails()
    {
        var path = Files.Uc(_dir, _invoices, new UcReportOptions { TotalError = -0.01m });
        var e = Assert.Throws<ReportFormatException>(() => Parsed.Read("uc", path));
        Assert.Equal("Total Invoice Value", e.Column);
        Assert.Contains("off by -0.01", e.Message);
    }

    [Fact]
    public void A_renamed_Booking_ID_column_fails_naming_it()
    {
        var path = Files.Uc(_dir, _invoices, bend: t => t.RenameHeader("Booking ID", "Bill ID"));
        var e = Assert.Throws<ReportFormatException>(() => Parsed.Read("uc", path));
        Assert.Equal("Booking ID", e.Column);
    }
}
