using System.Data;
using CrmEtl.Host.Reading;
using CrmEtl.Tests.Support;
using ExcelDataReader;

namespace CrmEtl.Tests.Parsing;

/// <summary>
/// Workbooks written by other programs (Corpus/: openpyxl, plain and write-only, and LibreOffice Calc, each also in
/// the 1904 date system; remade by Corpus/make.sh) read every sheet cell by cell exactly as ExcelDataReader reads them.
/// </summary>
public sealed class XlsxCorpusTests
{
    private static readonly string Corpus = Path.Combine(Repo.Root, "tests", "CrmEtl.Tests", "Parsing", "Corpus");

    static XlsxCorpusTests() => System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);

    public static TheoryData<string> Files() => new(Directory.GetFiles(Corpus, "*.xlsx").Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_sheet_reads_as_ExcelDataReader_reads_it(string file)
    {
        var path = Path.Combine(Corpus, file);
        var expected = new List<List<List<object?>>>();
        using (var edr = ExcelReaderFactory.CreateReader(File.OpenRead(path)))
            do expected.Add(ReadSheet(edr)); while (edr.NextResult());

        using var workbook = new XlsxWorkbook(File.OpenRead(path));
        Assert.Equal(expected.Count, workbook.Sheets.Count);
        // ExcelDataReader knows date1904="1" but not "true" (what LibreOffice writes): its dates are then 4 years and a
        // day early. Ours are the dates the workbook shows; compared with its shifted by those 1,462 days (a time of
        // day alone, a serial below 1, is on the 1904 system's first day).
        using (var xml = new StreamReader(workbook.Zip.GetEntry("xl/workbook.xml")!.Open()))
            if (xml.ReadToEnd().Contains("date1904=\"true\"", StringComparison.Ordinal))
                foreach (var row in expected.SelectMany(sheet => sheet))
                    for (var c = 0; c < row.Count; c++)
                        if (row[c] is DateTime early)
                            row[c] = early < new DateTime(1900, 1, 1) ? new DateTime(1904, 1, 1) + early.TimeOfDay : early.AddDays(1462);
        var cells = 0;
        for (var s = 0; s < workbook.Sheets.Count; s++)
        {
            List<List<object?>> actual;
            using (var reader = new XlsxSheetReader(workbook, workbook.Sheets[s].Path)) actual = ReadSheet(reader);
            Assert.True(expected[s].Count == actual.Count, $"{file} sheet {s + 1}: {expected[s].Count} rows by ExcelDataReader, {actual.Count} by ours");
            for (var r = 0; r < actual.Count; r++)
                for (var c = 0; c < Math.Max(expected[s][r].Count, actual[r].Count); c++, cells++)
                    Assert.True(Equals(Cell(expected[s][r], c), Cell(actual[r], c)),
                        $"{file} sheet {s + 1} row {r + 1} column {c + 1}: ExcelDataReader '{Cell(expected[s][r], c)}' ({Cell(expected[s][r], c)?.GetType().Name}), " +
                        $"ours '{Cell(actual[r], c)}' ({Cell(actual[r], c)?.GetType().Name})");
        }
        Assert.True(cells >= 10, $"{file}: only {cells} cells compared");
    }

    [Theory]
    [InlineData("openpyxl-1904.xlsx")]
    [InlineData("libreoffice-1904.xlsx")]
    public void A_1904_workbook_gives_the_dates_it_shows(string file)
    {
        using var reader = new XlsxSheetReader(File.OpenRead(Path.Combine(Corpus, file)));
        Assert.True(reader.Read()); // the header
        Assert.True(reader.Read());
        Assert.Equal(new DateTime(2025, 11, 14), reader.GetValue(5)); // "Due": two days after 12 Nov 2025
    }

    // One sheet's rows (ExcelDataReader: the current result), up to the last non-empty one.
    private static List<List<object?>> ReadSheet(IDataReader reader) => XlsxReaderTests.ReadAll(reader, dispose: false);

    private static object? Cell(List<object?> row, int i) => XlsxReaderTests.Cell(row, i);
}
