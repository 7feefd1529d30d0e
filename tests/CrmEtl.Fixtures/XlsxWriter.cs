using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace CrmEtl.Fixtures;

/// <summary>
/// Writes an .xlsx row by row (OpenXmlWriter, so a million rows never sit in memory), one sheet after another.
/// Cells: string (inline), double/decimal/int/long (number), DateTime (a date cell), null (absent).
/// </summary>
public sealed class XlsxWriter : IDisposable
{
    private const uint DateTimeStyle = 1;
    private const uint DateStyle = 2;
    private readonly SpreadsheetDocument _document;
    private readonly WorkbookPart _workbook;
    private OpenXmlWriter _writer;
    private uint _row;

    private readonly Dictionary<string, int>? _shared;

    /// <param name="sharedStrings">Write text to a shared-strings table (as Excel does) instead of inline.</param>
    public XlsxWriter(string path, string sheetName = "Sheet1", bool sharedStrings = false)
    {
        _shared = sharedStrings ? new Dictionary<string, int>() : null;
        _document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        _workbook = _document.AddWorkbookPart();
        _workbook.Workbook = new Workbook(new Sheets());
        var styles = _workbook.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = Stylesheet();
        _writer = StartSheet(sheetName);
    }

    /// <summary>Ends the sheet being written and starts the next one, named <paramref name="sheetName"/>.</summary>
    public void NextSheet(string sheetName)
    {
        EndSheet();
        _row = 0;
        _writer = StartSheet(sheetName);
    }

    private OpenXmlWriter StartSheet(string name)
    {
        var part = _workbook.AddNewPart<WorksheetPart>();
        var sheets = _workbook.Workbook.Sheets!;
        sheets.Append(new Sheet { Id = _workbook.GetIdOfPart(part), SheetId = (uint)sheets.ChildElements.Count + 1, Name = name });
        var writer = OpenXmlWriter.Create(part);
        writer.WriteStartElement(new Worksheet());
        writer.WriteStartElement(new SheetData());
        return writer;
    }

    private void EndSheet()
    {
        _writer.WriteEndElement(); // SheetData
        _writer.WriteEndElement(); // Worksheet
        _writer.Close();
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
                case string s when _shared is not null:
                    if (!_shared.TryGetValue(s, out var index)) _shared[s] = index = _shared.Count;
                    cell.DataType = CellValues.SharedString;
                    cell.CellValue = new CellValue(index.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case string s:
                    cell.DataType = CellValues.InlineString;
                    cell.InlineString = new InlineString(new Text(s) { Space = SpaceProcessingModeValues.Preserve });
                    break;
                case bool b:
                    cell.DataType = CellValues.Boolean;
                    cell.CellValue = new CellValue(b ? "1" : "0");
                    break;
                case OpenXmlElement[] parts:
                    cell.Append(parts.Select(p => p.CloneNode(true)));
                    if (parts.OfType<InlineString>().Any()) cell.DataType = CellValues.InlineString;
                    else if (parts.OfType<CellFormula>().Any()) cell.DataType = CellValues.String;
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

    /// <summary>Leaves rows out, as Excel does for empty ones.</summary>
    public void SkipRows(int count) => _row += (uint)count;

    public void Dispose()
    {
        EndSheet();
        if (_shared is not null)
        {
            var part = _workbook.AddNewPart<SharedStringTablePart>();
            part.SharedStringTable = new SharedStringTable(_shared.OrderBy(p => p.Value)
                .Select(p => new SharedStringItem(new Text(p.Key) { Space = SpaceProcessingModeValues.Preserve })));
            part.SharedStringTable.Save();
        }
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
