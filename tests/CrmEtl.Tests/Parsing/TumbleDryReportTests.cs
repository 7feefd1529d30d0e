using CrmEtl.Abstractions;
using CrmEtl.Fixtures;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Parsing;

public sealed class TumbleDryReportTests
{
    private readonly string _dir = Repo.TempDir("td-parse");
    private readonly IReadOnlyList<TdOrder> _orders = TdOrderReport.Orders("a668", Files.Day, count: 20);

    [Fact]
    public void Text_dates_and_text_amounts_with_separators_are_read_exactly()
    {
        var parsed = Parsed.Read("td", Files.Td(_dir, _orders, new TdReportOptions { MoneyAsText = true }));

        Assert.Equal(20, parsed.Summary.DataRows);
        Assert.Equal(_orders.Select(o => o.OrderNo), parsed.Rows.Select(r => r["order_no"]));
        Assert.Equal(_orders.Select(o => (object?)o.OrderTime.AddSeconds(-o.OrderTime.Second)), parsed.Rows.Select(r => r["order_date_time"]));
        Assert.Equal(_orders.Sum(o => o.Net), parsed.Rows.Sum(r => (decimal)r["net_amount"]!));
        Assert.Equal(_orders.Sum(o => o.Gross), parsed.Rows.Sum(r => (decimal)r["gross_amount"]!));
        Assert.True(parsed.Summary.TotalRowChecked);
    }

    [Fact]
    public void Blank_amounts_are_zero()
    {
        var parsed = Parsed.Read("td", Files.Td(_dir, _orders, new TdReportOptions { ZeroAsBlank = true }));
        Assert.All(parsed.Rows, r => Assert.IsType<decimal>(r["adjustment"]));
        Assert.All(parsed.Rows, r => Assert.Equal(0m, r["adjustment"]));
    }

    [Fact]
    public void Order_time_as_a_real_date_cell_is_read_as_the_same_time()
    {
        var parsed = Parsed.Read("td", Files.Td(_dir, _orders, new TdReportOptions { OrderTimeAsDateCell = true }));
        Assert.Equal(_orders.Select(o => (object?)o.OrderTime), parsed.Rows.Select(r => r["order_date_time"]));
    }

    [Fact]
    public void Footer_rows_are_not_orders()
    {
        var path = Files.Td(_dir, _orders, new TdReportOptions { Footers = true, TotalRow = true });
        var parsed = Parsed.Read("td", path);
        Assert.Equal(_orders.Count, parsed.Rows.Count);
        Assert.DoesNotContain(parsed.Rows, r => ((string?)r["order_no"])?.Contains("Total") == true);
    }

    [Fact]
    public void A_row_without_an_order_number_is_skipped()
    {
        var parsed = Parsed.Read("td", Files.Td(_dir, _orders, new TdReportOptions { BlankOrderNoRow = true }));
        Assert.Equal(_orders.Count, parsed.Summary.DataRows);
        Assert.Equal(1, parsed.Summary.SkippedRows);
    }

    [Fact]
    public void A_Total_row_that_disagrees_with_the_rows_fails_saying_by_how_much()
    {
        var path = Files.Td(_dir, _orders, new TdReportOptions { TotalNetError = 45.50m });
        var e = Assert.Throws<ReportFormatException>(() => Parsed.Read("td", path));
        Assert.Equal("Net Amount", e.Column);
        Assert.Contains("off by 45.50", e.Message);
        Assert.Equal(_orders.Count + 2, e.Row); // header, 20 rows, then the Total row
    }

    [Fact]
    public void A_renamed_column_fails_naming_it()
    {
        var path = Files.Td(_dir, _orders, bend: t => t.RenameHeader("Order No.", "Order Number"));
        var e = Assert.Throws<ReportFormatException>(() => Parsed.Read("td", path));
        Assert.Equal("Order No.", e.Column);
        Assert.Contains("'Order Number'", e.Message);
        Assert.Contains("order-report.xlsx", e.Message);
    }

    [Fact]
    public void A_missing_column_fails_naming_it()
    {
        var path = Files.Td(_dir, _orders, bend: t => t.RemoveColumn("Net Amount"));
        var e = Assert.Throws<ReportFormatException>(() => Parsed.Read("td", path));
        Assert.Equal("Net Amount", e.Column);
    }

    [Fact]
    public void Extra_columns_are_kept_as_json()
    {
        var path = Files.Td(_dir, _orders, bend: t => t.InsertColumn(5, "Loyalty Points", r => (double)(r * 10)));
        var parsed = Parsed.Read("td", path);
        Assert.Equal(_orders.Count, parsed.Rows.Count);
        Assert.Equal("{\"Loyalty Points\":30}", parsed.Extras[3]);
        Assert.Equal(_orders[3].PhoneAsWritten, parsed.Rows[3]["phone"]);
    }

    [Fact]
    public void A_day_with_no_orders_has_no_rows()
    {
        var parsed = Parsed.Read("td", Files.Td(_dir, []));
        Assert.Empty(parsed.Rows);
        Assert.Equal(0, parsed.Summary.DataRows);
    }

    [Fact]
    public void A_bad_date_fails_naming_row_and_column()
    {
        var path = Files.Td(_dir, _orders, bend: t => t.Rows[6][0] = "31 Feb 2025 10:00 AM");
        var e = Assert.Throws<ReportFormatException>(() => Parsed.Read("td", path));
        Assert.Equal(8, e.Row);
        Assert.Equal("Order Date / Time", e.Column);
        Assert.Contains("31 Feb 2025", e.Message);
    }

    [Fact]
    public void A_bad_amount_fails_naming_row_and_column()
    {
        var path = Files.Td(_dir, _orders, bend: t => t.Rows[2][14] = "12O.50");
        var e = Assert.Throws<ReportFormatException>(() => Parsed.Read("td", path));
        Assert.Equal(4, e.Row);
        Assert.Equal("Net Amount", e.Column);
    }

    [Fact]
    public void Title_rows_above_the_header_are_passed_over()
    {
        var path = Path.Combine(_dir, "titled.xlsx");
        var table = TdOrderReport.Build(_orders);
        using (var writer = new XlsxWriter(path))
        {
            writer.WriteRow(["Order Report - Uttam Nagar"]);
            writer.WriteRow([]);
            writer.WriteRow(table.Headers);
            foreach (var row in table.Rows.Concat(table.Footer)) writer.WriteRow(row);
        }
        Assert.Equal(_orders.Count, Parsed.Read("td", path).Rows.Count);
    }

    [Fact]
    public void An_html_page_saved_as_xlsx_is_refused()
    {
        var path = Path.Combine(_dir, "login.xlsx");
        File.WriteAllText(path, "<!DOCTYPE html><html><body><form id=\"login\"><input id=\"txtUserId\"></form></body></html>");
        var e = Assert.Throws<ReportFormatException>(() => Parsed.Read("td", path));
        Assert.Contains("HTML page", e.Message);
    }
}
