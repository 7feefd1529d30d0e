using System.Data;
using CrmEtl.Fixtures;
using CrmEtl.Host.Ingestion;
using CrmEtl.Tests.Support;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;
using ExcelDataReader;

namespace CrmEtl.Tests.Parsing;

/// <summary>
/// The fast xlsx reader must give exactly what ExcelDataReader gives, cell by cell and row by row, on every
/// shape of workbook the reports come in: inline or shared strings, date cells, text amounts, gaps, rich text.
/// </summary>
public sealed class XlsxReaderTests
{
    private readonly string _dir = Repo.TempDir("xlsx");

    static XlsxReaderTests() => System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);

    public static TheoryData<string> Shapes() =>
    [
        "td", "td-shared", "td-datecells", "td-extra", "td-empty", "uc", "uc-shared", "uc-text", "odd",
    ];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Reads_every_cell_as_ExcelDataReader_does(string shape)
    {
        var path = Write(shape);
        var expected = ReadAll(ExcelReaderFactory.CreateReader(File.OpenRead(path)));
        var actual = ReadAll(new XlsxSheetReader(File.OpenRead(path)));

        Assert.Equal(expected.Count, actual.Count);
        for (var r = 0; r < expected.Count; r++)
        {
            var width = Math.Max(expected[r].Count, actual[r].Count);
            for (var c = 0; c < width; c++)
                Assert.True(Equals(Cell(expected[r], c), Cell(actual[r], c)),
                    $"{shape}: row {r + 1}, column {c + 1}: ExcelDataReader '{Cell(expected[r], c)}' ({Cell(expected[r], c)?.GetType().Name}), fast '{Cell(actual[r], c)}' ({Cell(actual[r], c)?.GetType().Name})");
        }
    }

    [Fact]
    public void A_report_parses_to_the_same_rows_with_either_reader()
    {
        var path = Write("td-shared");
        var fast = Parsed.Read("td", path);
        Environment.SetEnvironmentVariable("CRMETL_XLSX_READER", "exceldatareader");
        try
        {
            var reference = Parsed.Read("td", path);
            Assert.Equal(reference.Rows.Count, fast.Rows.Count);
            for (var i = 0; i < reference.Rows.Count; i++) Assert.Equal(reference.Rows[i], fast.Rows[i]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("CRMETL_XLSX_READER", null);
        }
    }

    private string Write(string shape)
    {
        var path = Path.Combine(_dir, shape + ".xlsx");
        var td = TdOrderReport.Orders("a817", new DateOnly(2025, 11, 3), count: 25);
        var uc = UcGstReport.Invoices("UC610", new DateOnly(2025, 11, 3), count: 15);
        switch (shape)
        {
            case "td": TdOrderReport.Build(td).Write(path); break;
            case "td-shared": TdOrderReport.Build(td, new TdReportOptions { BlankOrderNoRow = true }).Write(path, sharedStrings: true); break;
            case "td-datecells": TdOrderReport.Build(td, new TdReportOptions { OrderTimeAsDateCell = true, MoneyAsText = false }).Write(path); break;
            case "td-extra": TdOrderReport.Build(td).InsertColumn(3, "Loyalty", r => r % 3 == 0 ? null : (double)r).Write(path); break;
            case "td-empty": TdOrderReport.Build([]).Write(path, sharedStrings: true); break;
            case "uc": UcGstReport.Build(uc).Write(path); break;
            case "uc-shared": UcGstReport.Build(uc, new UcReportOptions { MoneyAsText = true, TotalLabelColumn = 1 }).Write(path, sharedStrings: true); break;
            case "uc-text": UcGstReport.Build(uc, new UcReportOptions { InvoiceDateAsText = true }).Write(path); break;
            case "odd":
                using (var w = new XlsxWriter(path, sharedStrings: true))
                {
                    w.WriteRow(["Title row", null, "  spaced  "]);
                    w.SkipRows(2); // rows 2 and 3 absent from the file
                    w.WriteRow([null, true, false, 1e15, -0.5, 123456789.125]);
                    w.WriteRow([new OpenXmlElement[] { new InlineString(new Run(new Text("rich ")), new Run(new Text("text"))) }, "a&b <c>", "ünïcödé ₹"]);
                    w.WriteRow([new OpenXmlElement[] { new CellFormula("CONCAT(\"a\",\"b\")"), new CellValue("ab") }, new DateTime(2025, 11, 3), new DateTime(2025, 11, 3, 23, 59, 0)]);
                    w.WriteRow([]);
                    w.WriteRow([new OpenXmlElement[] { new CellValue("") }, "after an empty value"]);
                    w.WriteRow(["last"]);
                }
                break;
        }
        return path;
    }

    private static List<List<object?>> ReadAll(IDataReader reader)
    {
        using (reader)
        {
            var rows = new List<List<object?>>();
            while (reader.Read())
                rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i) is DBNull ? null : reader.GetValue(i)).ToList());
            // ExcelDataReader reports trailing empty rows the sheet does not have; compare up to the last non-empty one.
            while (rows.Count > 0 && rows[^1].All(v => v is null)) rows.RemoveAt(rows.Count - 1);
            return rows;
        }
    }

    private static object? Cell(List<object?> row, int i) => i < row.Count ? row[i] : null;
}
