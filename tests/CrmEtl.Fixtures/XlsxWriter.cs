using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace CrmEtl.Fixtures;

/// <summary>
/// Writes a one-sheet .xlsx row by row (OpenXmlWriter, so a million rows never sit in memory).
/// Cells: string (inline), double/decimal/int/long (number), DateTime (a date cell), null (absent).
/// </summary>
public sealed class XlsxWriter : IDisposable
{
    private const uint DateTimeStyle = 1;
    private const uint DateStyle = 2;
    private readonly SpreadsheetDocument _document;
    private readonly WorkbookPart _workbook;
    private readonly WorksheetPart _sheet;
    private readonly OpenXmlWriter _writer;
    private uint _row;

    public XlsxWriter(string path, string sheetName = "Sheet1")
    {
        _document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        _workbook = _document.AddWorkbookPart();
        _workbook.Workbook = new Workbook(new Sheets());
        var styles = _workbook.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = Stylesheet();
        _sheet = _workbook.AddNewPart<WorksheetPart>();
        _workbook.Workbook.Sheets!.Append(new Sheet { Id = _workbook.GetIdOfPart(_sheet), SheetId = 1, Name = sheetName });
        _writer = OpenXmlWriter.Create(_sheet);
        _writer.WriteStartElement(new Worksheet());
        _writer.WriteStartElement(new SheetData());
    }

    public void WriteRow(IReadOnlyList<object?> cells)
    {
        _row++;
        _writer.WriteStartElement(new Row { RowIndex = _row });
        for (var i = 0; i < cells.Count; i++)
        {
            if (cells[i] is null) continue;
            var cell = new Cell { CellReference = ColumnName(i) + _row };
            switch (cells[i])
            {
                case string s:
                    cell.DataType = CellValues.InlineString;
                    cell.InlineString = new InlineString(new Text(s) { Space = SpaceProcessingModeValues.Preserve });
                    break;
                case DateTime d:
                    cell.StyleIndex = d.TimeOfDay == TimeSpan.Zero ? DateStyle : DateTimeStyle;
                    cell.CellValue = new CellValue(d.ToOADate().ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case IFormattable number:
                    cell.CellValue = new CellValue(number.ToString(null, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    throw new ArgumentException($"cannot write a {cells[i]!.GetType().Name} cell");
            }
            _writer.WriteElement(cell);
        }
        _writer.WriteEndElement();
    }

    public void Dispose()
    {
        _writer.WriteEndElement(); // SheetData
        _writer.WriteEndElement(); // Worksheet
        _writer.Close();
        _workbook.Workbook.Save();
        _document.Dispose();
    }

    private static string ColumnName(int index)
    {
        var name = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26) name = (char)('A' + (n - 1) % 26) + name;
        return name;
    }

    private static Stylesheet Stylesheet() => new(
        new NumberingFormats(
            new NumberingFormat { NumberFormatId = 164, FormatCode = "dd/mm/yyyy hh:mm" },
            new NumberingFormat { NumberFormatId = 165, FormatCode = "dd/mm/yyyy" }) { Count = 2 },
        new Fonts(new Font()) { Count = 1 },
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
        new Borders(new Border()) { Count = 1 },
        new CellFormats(
            new CellFormat(),
            new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 165, ApplyNumberFormat = true }) { Count = 3 });
}
