using System.Data;
using CrmEtl.Fixtures;
using CrmEtl.Host.Reading;
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
        "raw-pretty", "raw-entities", "raw-odd", "raw-long", "raw-escapes", "raw-numfmt-twice", "raw-row-per-cell", "raw-numeric-refs", "raw-times",
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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_strict_ooxml_workbook_reads_as_its_transitional_twin(bool sharedStrings)
    {
        // Excel's "Strict Open XML Spreadsheet": the same parts under the purl.oclc.org namespaces (ExcelDataReader
        // reads none of it, so the twin in the usual namespaces is the reference)
        var transitional = Path.Combine(_dir, $"transitional-{sharedStrings}.xlsx");
        var strict = Path.Combine(_dir, $"strict-{sharedStrings}.xlsx");
        var orders = TdOrderReport.Orders("a668", new DateOnly(2025, 11, 12), count: 30);
        TdOrderReport.Build(orders, new TdReportOptions { OrderTimeAsDateCell = true }).Write(transitional, sharedStrings);
        File.Copy(transitional, strict);
        using (var zip = System.IO.Compression.ZipFile.Open(strict, System.IO.Compression.ZipArchiveMode.Update))
        {
            var rewritten = 0;
            foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".xml") || e.FullName.EndsWith(".rels")).ToList())
            {
                string text;
                using (var reader = new StreamReader(entry.Open())) text = reader.ReadToEnd();
                var changed = text.Replace("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
                    .Replace("http://schemas.openxmlformats.org/officeDocument/2006/relationships", "http://purl.oclc.org/ooxml/officeDocument/relationships");
                if (changed == text) continue;
                rewritten++;
                var name = entry.FullName;
                entry.Delete();
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(changed);
            }
            Assert.True(rewritten >= 4, $"{rewritten} parts rewritten"); // workbook, its rels, styles, the sheet
        }

        var expected = ReadAll(new XlsxSheetReader(File.OpenRead(transitional)));
        var actual = ReadAll(new XlsxSheetReader(File.OpenRead(strict)));
        Assert.Equal(expected.Count, actual.Count);
        Assert.Contains(actual.SelectMany(r => r), c => c is DateTime); // the order times stay dates: the styles were read
        for (var r = 0; r < expected.Count; r++) Assert.Equal(expected[r], actual[r]);
        // and the TumbleDry plugin reads it through the host as it reads the transitional one
        Assert.Equal(Parsed.Read("td", transitional).Rows, Parsed.Read("td", strict).Rows);
        Assert.Equal(30, Parsed.Read("td", strict).Rows.Count);
    }

    [Fact]
    public void A_workbook_in_the_1904_date_system_gives_its_true_dates_on_every_sheet()
    {
        var path = Path.Combine(_dir, "date1904.xlsx");
        // A 1904 workbook's serial for 2025-11-12 is the 1900 serial less 1462 days.
        var day = new DateTime(2025, 11, 12, 10, 32, 5);
        using (var w = new XlsxWriter(path, "First"))
        {
            w.WriteRow(["Date", "Amount"]);
            w.WriteRow([day.AddDays(-1462), 1462d]);
            w.NextSheet("Second");
            w.WriteRow([day.Date.AddDays(-1462)]);
        }
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("xl/workbook.xml")!;
            string xml;
            using (var reader = new StreamReader(entry.Open())) xml = reader.ReadToEnd();
            var prefix = System.Text.RegularExpressions.Regex.Match(xml, @"<(\w+:)?sheets[ >]").Groups[1].Value;
            xml = xml.Replace($"<{prefix}sheets", $"<{prefix}workbookPr date1904=\"1\"/><{prefix}sheets");
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("xl/workbook.xml").Open());
            writer.Write(xml);
        }

        var first = ReadAll(new XlsxSheetReader(File.OpenRead(path)));
        var reference = ReadAll(ExcelReaderFactory.CreateReader(File.OpenRead(path)));
        var sheets = SheetOpener.OpenAll(path).Select(s => (s.Name, Rows: ReadAll(s.Rows))).ToList();

        Assert.Equal(day, first[1][0]);
        Assert.Equal(1462d, first[1][1]);          // a number is not a date: no shift
        Assert.Equal(reference[1][0], first[1][0]);
        Assert.Equal(["First", "Second"], sheets.Select(s => s.Name));
        Assert.Equal(day, sheets[0].Rows[1][0]);
        Assert.Equal(day.Date, sheets[1].Rows[0][0]);
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
            case "raw-escapes":
                // Excel's _xHHHH_ escapes: a carriage return, a tab, a literal "_x" written as _x005F_x
                RawXlsx.Write(path, $"""<worksheet xmlns="{RawXlsx.MainNamespace}"><sheetData><row r="1">""" +
                    """<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>a_x0009_b</t></is></c><c r="D1" t="s"><v>2</v></c></row></sheetData></worksheet>""",
                    $"""<sst xmlns="{RawXlsx.MainNamespace}"><si><t>line one_x000D_</t></si><si><t>_x005F_x0041_ stays</t></si><si><t>no escape _x12_ here</t></si></sst>""");
                break;
            case "raw-row-per-cell":
                // a generator that writes one <row> element per cell, all of a row with the same r, then a gap, then the last row
                RawXlsx.Write(path, $"""<worksheet xmlns="{RawXlsx.MainNamespace}"><sheetData>""" +
                    """<row r="1"><c r="A1" t="inlineStr"><is><t>Order No.</t></is></c></row><row r="1"><c r="B1" t="inlineStr"><is><t>Amount</t></is></c></row>""" +
                    """<row r="2"><c r="A2" t="inlineStr"><is><t>TD-1</t></is></c></row><row r="2"/><row r="2"><c r="C2"><v>12.5</v></c></row><row r="2"><c r="B2"><v>199</v></c></row>""" +
                    """<row r="4"><c r="A4" t="inlineStr"><is><t>TD-2</t></is></c></row><row r="4"><c r="B4"><v>7</v></c></row></sheetData></worksheet>""");
                break;
            case "raw-numeric-refs":
                // cell references without column letters: r="0" on every cell, and one numeric r among lettered ones
                RawXlsx.Write(path, $"""<worksheet xmlns="{RawXlsx.MainNamespace}"><sheetData>""" +
                    """<row r="1"><c r="0" t="inlineStr"><is><t>Order No.</t></is></c><c r="0" t="inlineStr"><is><t>Amount</t></is></c></row>""" +
                    """<row r="2"><c r="A2" t="inlineStr"><is><t>TD-1</t></is></c><c r="3"><v>199</v></c><c r="D2"><v>4</v></c></row></sheetData></worksheet>""");
                break;
            case "raw-times":
                // time-only and duration formats (a sign-up sheet's "time of call", a call's length), built in and custom:
                // styles 1-9 are h:mm, h:mm:ss, mm:ss, [h]:mm:ss, mmss.0, [h]:mm, [mm]:ss, h:mm AM/PM, d/m/yyyy h:mm
                RawXlsx.Write(path, $"""<worksheet xmlns="{RawXlsx.MainNamespace}"><sheetData>""" +
                    string.Concat(new[] { "0.5", "0.75347222", "1.25", "2.0416666", "0", "0.000011574", "45973.4375", "-0.25" }.Select((v, i) =>
                        $"""<row r="{i + 1}">""" + string.Concat(Enumerable.Range(1, 9).Select(st => $"""<c s="{st}"><v>{v}</v></c>""")) + "</row>")) +
                    "</sheetData></worksheet>",
                    stylesXml: $"""<styleSheet xmlns="{RawXlsx.MainNamespace}"><numFmts count="4"><numFmt numFmtId="164" formatCode="[h]:mm"/><numFmt numFmtId="165" formatCode="[mm]:ss"/><numFmt numFmtId="166" formatCode="h:mm AM/PM"/><numFmt numFmtId="167" formatCode="d/m/yyyy h:mm"/></numFmts>""" +
                        """<cellXfs count="10"><xf numFmtId="0"/><xf numFmtId="20"/><xf numFmtId="21"/><xf numFmtId="45"/><xf numFmtId="46"/><xf numFmtId="47"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="167"/></cellXfs></styleSheet>""");
                break;
            case "raw-numfmt-twice":
                // a generator that declares one format id twice; style 1 is a date
                RawXlsx.Write(path, $"""<worksheet xmlns="{RawXlsx.MainNamespace}"><sheetData><row r="1"><c r="A1" s="1"><v>45973.5</v></c><c r="B1"><v>2</v></c></row></sheetData></worksheet>""",
                    stylesXml: $"""<styleSheet xmlns="{RawXlsx.MainNamespace}"><numFmts count="2"><numFmt numFmtId="164" formatCode="0.00"/><numFmt numFmtId="164" formatCode="dd/mm/yyyy hh:mm"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>""");
                break;
            case "raw-pretty":
                // white space between tags, single quotes, comments, a processing instruction, prefixes mixed
                RawXlsx.Write(path, $"""
                    <?xml version="1.0" encoding="UTF-8"?>
                    <!-- written by hand -->
                    <worksheet xmlns="{RawXlsx.MainNamespace}" xmlns:x="{RawXlsx.MainNamespace}">
                      <sheetData>
                        <row r='1'>
                          <c r='A1' t='inlineStr'>
                            <is><t>Order No.</t></is>
                          </c>
                          <c r="B1" t="inlineStr"><is><t xml:space="preserve"> spaced </t></is></c>
                          <?some-pi data?>
                        </row>
                        <x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>T24017</x:t></x:is></x:c><x:c r="B2"><x:v>12.5</x:v></x:c></x:row>
                        <row r="4" ><c r="C4" ><v >7</v ></c ></row >
                      </sheetData>
                    </worksheet>
                    """);
                break;
            case "raw-entities":
                RawXlsx.Write(path, $"""<worksheet xmlns="{RawXlsx.MainNamespace}"><sheetData><row r="1">""" +
                    """<c r="A1" t="inlineStr"><is><t>a &amp; b &lt;c&gt; &#8377; &#x20B9; &quot;q&quot; &apos;</t></is></c>""" +
                    "<c r=\"B1\" t=\"inlineStr\"><is><t>line1\r\nline2\rline3\nline4</t></is></c>" +
                    """<c r="C1" t="inlineStr"><is><t><![CDATA[x < y & z]]></t></is></c>""" +
                    """<c r="D1" t="inlineStr"><is><t>ab<!-- not text -->cd</t></is></c>""" +
                    """<c r="E1" t="s"><v>1</v></c><c r="F1" t="s"><v>0</v></c>""" +
                    "</row></sheetData></worksheet>",
                    $"""<sst xmlns="{RawXlsx.MainNamespace}" count="2" uniqueCount="2"><si><t>shared &amp; first</t></si><si><r><rPr><b/></rPr><t>rich</t></r><r><t xml:space="preserve"> run</t></r><rPh sb="0" eb="1"><t>phonetic</t></rPh></si></sst>""");
                break;
            case "raw-odd":
                RawXlsx.Write(path, $"""<worksheet xmlns="{RawXlsx.MainNamespace}"><sheetData>""" +
                    """<row r="1"><c r="A1" t="inlineStr"><is><t/></is></c><c r="B1"><v/></c><c r="C1" t="s"><v> 0 </v></c><c r="D1"><f>1+1</f><v>2</v></c>""" +
                    """<c r="E1" t="inlineStr"><is><t></t></is></c><c r="F1" t="s"><v>1</v></c><c r="G1" t="inlineStr"><is></is></c></row>""" +
                    """<row r="2"><c r="A2" note="a>b" t="inlineStr"><is><t>after a quoted &gt;</t></is></c><c r="B2"><v>1.5E+3</v></c><c r="C2" t="b"><v>1</v></c><c r="D2" t="str"><v>formula text</v></c></row>""" +
                    """<row><c t="inlineStr"><is><t>no row number</t></is></c><c><v>-0.25</v></c></row>""" +
                    """<row r="5" spans="1:3"/>""" +
                    """<row r="6"><c r="A6" t="e"><v>#N/A</v></c><c r="C6" t="inlineStr"><is><r><t>rich </t></r><r><rPr><i/></rPr><t>inline</t></r></is></c></row>""" +
                    "</sheetData></worksheet>",
                    $"""<sst xmlns="{RawXlsx.MainNamespace}"><si><t>zero</t></si><si><t/></si></sst>""");
                break;
            case "raw-long":
                // longer than a cell read in one pass (16 kB), and as long as Excel allows (32,767 characters)
                var medium = new string('m', 32_767);
                var large = string.Concat(Enumerable.Repeat("large & long ", 2_520));
                RawXlsx.Write(path, $"""<worksheet xmlns="{RawXlsx.MainNamespace}"><sheetData>""" +
                    $"""<row r="1"><c r="A1" t="inlineStr"><is><t>{medium}</t></is></c><c r="B1" t="s"><v>0</v></c></row>""" +
                    $"""<row r="2"><c r="A2" t="inlineStr"><is><t>{System.Security.SecurityElement.Escape(large)}</t></is></c><c r="B2"><v>2</v></c></row>""" +
                    "</sheetData></worksheet>",
                    $"""<sst xmlns="{RawXlsx.MainNamespace}"><si><t>{large.Replace("&", "&amp;")}</t></si></sst>""");
                break;
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

    /// <summary>The rows of the reader's (current) sheet, disposing of it unless asked not to.</summary>
    internal static List<List<object?>> ReadAll(IDataReader reader, bool dispose = true)
    {
        try
        {
            var rows = new List<List<object?>>();
            while (reader.Read())
                rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i) is DBNull ? null : reader.GetValue(i)).ToList());
            // ExcelDataReader reports trailing empty rows the sheet does not have; compare up to the last non-empty one.
            while (rows.Count > 0 && rows[^1].All(v => v is null)) rows.RemoveAt(rows.Count - 1);
            return rows;
        }
        finally
        {
            if (dispose) reader.Dispose();
        }
    }

    internal static object? Cell(List<object?> row, int i) => i < row.Count ? row[i] : null;
}
