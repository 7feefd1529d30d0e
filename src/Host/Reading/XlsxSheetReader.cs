using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;

namespace CrmEtl.Host.Reading;

/// <summary>
/// A forward-only reader of one worksheet of an .xlsx (the first, or each of <see cref="XlsxWorkbook"/>'s in turn), streamed straight from the zip with an
/// <see cref="XmlByteScanner"/>: cells come as ExcelDataReader gives them (string, double, DateTime for
/// date-formatted numbers, bool, null), one row per sheet row (gaps included, so row numbers match Excel's).
/// Only the IDataReader members a report parser uses are implemented. Anything it does not understand is an
/// exception, never a guess: every entry it reads is checked against its zip checksum, the sheet's XML must be well
/// formed where it reads it (rows in sheetData, cells in rows, values in cells, each closed in turn, nothing else but
/// white space between them), and nothing may exceed Excel's own limits, so a damaged or hostile file fails fast,
/// naming the row, in bounded memory (<see cref="DamagedWorkbookException"/>).
/// </summary>
internal sealed partial class XlsxSheetReader : SheetReaderBase
{
    // Excel's limits: what a sheet made by anything can hold.
    public const int MostRows = 1_048_576;
    public const int MostColumns = 16_384;
    public const int MostCellCharacters = 32_767;

    // The shared strings are held in memory for the whole sheet: beyond this many characters (about 128 MB) the
    // process would outgrow what a report needs.
    private const long MostSharedCharacters = 64_000_000;

    // The parts read whole (workbook, relationships, styles) are small in any real workbook.
    private const long MostSmallPartBytes = 64L << 20;

    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    // Strict OOXML (Excel's "Strict Open XML Spreadsheet"): the same parts and elements under other namespaces.
    private const string StrictMain = "http://purl.oclc.org/ooxml/spreadsheetml/main";
    private const string StrictRelationships = "http://purl.oclc.org/ooxml/officeDocument/relationships";

    private static string MainOf(XmlDocument part) => part.DocumentElement?.NamespaceURI == StrictMain ? StrictMain : Main;
    private readonly XlsxWorkbook? _owned;
    private readonly XmlByteScanner _xml;
    private readonly string[] _shared;
    private readonly NumberKind[] _dateStyles;
    private readonly double _dateOffset;   // days from the workbook's date system to the 1900 one (1462 for 1904)
    private object?[] _cells = new object?[64];
    private int _width;
    private int _fieldCount;
    private long _rowNumber;
    private long _nextXmlRow = -1;
    private bool _nextXmlRowEmpty;
    private bool _done;

    /// <summary>Takes ownership of <paramref name="stream"/>, except when it throws: then the stream is left open.</summary>
    public XlsxSheetReader(Stream stream)
    {
        var workbook = new XlsxWorkbook(stream);
        try
        {
            (_shared, _dateStyles, _xml) = Start(workbook, workbook.Sheets[0].Path);
            _dateOffset = workbook.Date1904 ? Date1904Offset : 0;
            _owned = workbook;
        }
        catch
        {
            workbook.Dispose(leaveStreamOpen: true);
            throw;
        }
        if (_xml.Kind == XmlTagKind.Empty) FinishSheet();
    }

    /// <summary>The sheet at <paramref name="path"/> of a workbook its caller keeps open (and disposes) while it is read.</summary>
    public XlsxSheetReader(XlsxWorkbook workbook, string path)
    {
        (_shared, _dateStyles, _xml) = Start(workbook, path);
        _dateOffset = workbook.Date1904 ? Date1904Offset : 0;
        if (_xml.Kind == XmlTagKind.Empty) FinishSheet();
    }

    // A workbook in the 1904 date system (Mac Excel, openpyxl when asked) counts its days from 1904-01-01, which is
    // day 1462 of the 1900 system: read as 1900 dates they would be 4 years and a day early.
    private const double Date1904Offset = 1462;

    // Opens the sheet's part and reads to its rows.
    private static (string[], NumberKind[], XmlByteScanner) Start(XlsxWorkbook workbook, string sheetPath)
    {
        var entry = workbook.Zip.GetEntry(sheetPath) ?? throw new DamagedWorkbookException($"the workbook names {sheetPath}, which is missing");
        var xml = new XmlByteScanner(CheckedEntryStream.Open(entry));
        try
        {
            while (xml.NextTag() && !xml.LocalName.SequenceEqual("sheetData"u8))
            {
            }
            if (!xml.LocalName.SequenceEqual("sheetData"u8) || xml.Kind == XmlTagKind.End)
                throw new DamagedWorkbookException($"the sheet {sheetPath} has no rows element (sheetData): damaged or truncated");
            return (workbook.SharedStrings, workbook.DateStyles, xml);
        }
        catch
        {
            xml.Dispose();
            throw;
        }
    }

    public override int FieldCount => _fieldCount;

    public override object GetValue(int i) => (i < _width ? _cells[i] : null)!;

    public override bool Read()
    {
        Array.Clear(_cells, 0, _width);
        _width = 0;
        _rowNumber++;
        if (_nextXmlRow > _rowNumber) return true;          // a row the sheet leaves out: empty
        if (_nextXmlRow == _rowNumber) return ReadRow();      // announced by the last look-ahead
        if (_done) return false;
        if (!NextRowTag(_rowNumber - 1)) return false;
        if (_nextXmlRow < _rowNumber) throw Damaged($"row {_nextXmlRow} comes after row {_rowNumber - 1}");
        return _nextXmlRow > _rowNumber || ReadRow();
    }

    // The next <row> tag, its number in _nextXmlRow (one after `previous` when it has no r); false at the sheet's end.
    private bool NextRowTag(long previous)
    {
        if (!_xml.NextTag(spaceOnly: true)) throw Damaged($"the sheet ends after row {previous}, before its rows are closed (truncated)");
        if (_xml.Is(XmlTagKind.End, "sheetData"u8))
        {
            FinishSheet();
            return false;
        }
        if (_xml.Kind == XmlTagKind.End || !_xml.LocalName.SequenceEqual("row"u8))
            throw Damaged($"{Tag()} where a row belongs, after row {previous}");
        _nextXmlRow = _xml.TryGetAttribute("r"u8, out var r) ? Integer(r) : previous + 1;
        _nextXmlRowEmpty = _xml.Kind == XmlTagKind.Empty;
        if (_nextXmlRow < previous) throw Damaged($"row {_nextXmlRow} comes after row {previous}");
        if (_nextXmlRow > MostRows) throw Damaged($"row {_nextXmlRow:N0} is beyond Excel's {MostRows:N0} rows");
        return true;
    }

    // A row's cells, and those of the <row> elements right after it with the same number: some generators write one
    // element per cell, all with one r (ExcelDataReader reads them as one row). The next other row is announced.
    private bool ReadRow()
    {
        ReadRowCells();
        while (!_done && NextRowTag(_rowNumber))
        {
            if (_nextXmlRow != _rowNumber) return true;
            ReadRowCells();
        }
        return true;
    }

    // The end of the rows: the rest of the part is read, unparsed, so that its checksum is checked.
    private void FinishSheet()
    {
        _done = true;
        _xml.Drain();
    }

    // After a <row>: reads its cells and leaves the scanner past the row's end. Common cells are read straight from
    // the bytes (CommonCell); anything else one tag at a time, strictly.
    private bool ReadRowCells()
    {
        if (_nextXmlRowEmpty) return true;
        var column = 0;
        while (true)
        {
            var consumed = CommonCells(_xml.Peek(CommonCellBytes), ref column, out var rowEnd);
            _xml.Advance(consumed);
            if (rowEnd) break;
            if (!_xml.NextTag(spaceOnly: true)) throw Damaged($"the sheet ends inside row {_rowNumber} (truncated)");
            if (_xml.Kind == XmlTagKind.End)
            {
                if (_xml.LocalName.SequenceEqual("row"u8)) break;
                throw Damaged($"{Tag()} inside row {_rowNumber}");
            }
            if (_xml.LocalName.SequenceEqual("extLst"u8))
            {
                _xml.SkipElement();
                continue;
            }
            if (!_xml.LocalName.SequenceEqual("c"u8)) throw Damaged($"{Tag()} inside row {_rowNumber}, where cells belong");
            ReadOnlySpan<byte> type = default, style = default;
            var cursor = 0;
            while (_xml.NextAttribute(ref cursor, out var name, out var value))
            {
                if (name.SequenceEqual("r"u8) && ColumnIndex(value) is var lettered and >= 0) column = lettered;
                else if (name.SequenceEqual("t"u8)) type = value;
                else if (name.SequenceEqual("s"u8)) style = value;
            }
            Store(ref column, CellValue(TypeOf(type), style.IsEmpty ? -1 : Integer(style)));
        }
        _fieldCount = Math.Max(_fieldCount, _width);
        return true;
    }

    private void Store(ref int column, object? value)
    {
        if (column >= MostColumns) throw Damaged($"a cell of row {_rowNumber} beyond Excel's {MostColumns:N0} columns");
        if (column >= _cells.Length) Array.Resize(ref _cells, Math.Max(_cells.Length * 2, column + 1));
        _cells[column] = value;
        column++;
        _width = Math.Max(_width, column);
    }

    // The most a common cell takes (a longer one is read tag by tag).
    private const int CommonCellBytes = 16 * 1024;

    // As many common cells as follow, and the row's end tag if it comes: the bytes they took.
    private int CommonCells(ReadOnlySpan<byte> s, ref int column, out bool rowEnd)
    {
        var taken = 0;
        int n;
        while ((n = CommonCell(s[taken..], ref column, out rowEnd)) > 0)
        {
            taken += n;
            if (rowEnd) return taken;
        }
        rowEnd = false;
        return taken;
    }

    // Nearly every cell of a sheet is <c ...>, <c ...><v>text</v></c> or <c ...><is><t>text</t></is></c>, with one
    // prefix throughout and plain text (no entity, no CR). Such a cell, or the row's end tag, is read here in one
    // pass over the bytes: a fifth of the cost of reading it tag by tag. Returns the bytes it took (0: not such a
    // cell, and nothing is taken). White space before it is taken too.
    private int CommonCell(ReadOnlySpan<byte> s, ref int column, out bool rowEnd)
    {
        rowEnd = false;
        var i = 0;
        while (i < s.Length && XmlByteScanner.IsSpace(s[i])) i++;
        if (i + 3 >= s.Length || s[i] != (byte)'<') return 0;
        var closing = s[i + 1] == (byte)'/';
        var nameStart = i + (closing ? 2 : 1);
        i = nameStart;
        while (i < s.Length && IsNameByte(s[i])) i++;
        if (i >= s.Length) return 0;
        var name = s[nameStart..i];
        var colon = name.IndexOf((byte)':');
        var prefix = colon < 0 ? default : name[..(colon + 1)];
        var local = name[(colon + 1)..];
        if (closing)
        {
            if (!local.SequenceEqual("row"u8) || s[i] != (byte)'>') return 0;
            rowEnd = true;
            return i + 1;
        }
        if (!local.SequenceEqual("c"u8)) return 0;

        ReadOnlySpan<byte> r = default, t = default, st = default;
        var empty = false;
        while (true)
        {
            while (i < s.Length && XmlByteScanner.IsSpace(s[i])) i++;
            if (i + 1 >= s.Length) return 0;
            if (s[i] == (byte)'>')
            {
                i++;
                break;
            }
            if (s[i] == (byte)'/')
            {
                if (s[i + 1] != (byte)'>') return 0;
                i += 2;
                empty = true;
                break;
            }
            if (!Attribute(s, ref i, out var attribute, out var value)) return 0;
            if (attribute.Length != 1) continue;
            if (attribute[0] == (byte)'r') r = value;
            else if (attribute[0] == (byte)'t') t = value;
            else if (attribute[0] == (byte)'s') st = value;
        }
        var type = TypeOf(t);
        object? cell = null;
        if (!empty)
        {
            ReadOnlySpan<byte> text;
            if (Tag(s, ref i, prefix, "v"u8))
            {
                if (!Text(s, ref i, out text) || !EndTag(s, ref i, prefix, "v"u8)) return 0;
                cell = type is CellType.Inline or CellType.Text ? XmlByteScanner.Text(text) : Value(type, st.IsEmpty ? -1 : Integer(st), text);
            }
            else if (type == CellType.Inline && Tag(s, ref i, prefix, "is"u8) && Tag(s, ref i, prefix, "t"u8))
            {
                if (!Text(s, ref i, out text) || !EndTag(s, ref i, prefix, "t"u8) || !EndTag(s, ref i, prefix, "is"u8)) return 0;
                cell = text.IsEmpty ? null : DecodeEscapes(XmlByteScanner.Text(text));
            }
            else return 0;
            if (!EndTag(s, ref i, prefix, "c"u8)) return 0;
        }
        if (!r.IsEmpty && ColumnIndex(r) is var lettered and >= 0) column = lettered;
        Store(ref column, cell);
        return i;
    }

    // name="value" (or 'value') at i; i moves past it.
    private static bool Attribute(ReadOnlySpan<byte> s, scoped ref int i, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        name = value = default;
        var start = i;
        while (i < s.Length && IsNameByte(s[i])) i++;
        if (i + 1 >= s.Length || i == start || s[i] != (byte)'=' || s[i + 1] is not ((byte)'"' or (byte)'\'')) return false;
        name = s[start..i];
        var quote = s[i + 1];
        var valueStart = i + 2;
        i = valueStart;
        while (i < s.Length && s[i] != quote) i++;
        if (i >= s.Length) return false;
        value = s[valueStart..i];
        i++;
        return true;
    }

    // A start tag prefix+local at i, with or without attributes (not empty); i moves past its '>'.
    private static bool Tag(ReadOnlySpan<byte> s, scoped ref int i, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> local)
    {
        var j = i;
        if (!Name(s, ref j, (byte)'<', prefix, local)) return false;
        byte quote = 0;
        for (; j < s.Length; j++)
        {
            var b = s[j];
            if (quote != 0)
            {
                if (b == quote) quote = 0;
            }
            else if (b == (byte)'>') break;
            else if (b is (byte)'"' or (byte)'\'') quote = b;
            else if (b == (byte)'<') return false;
        }
        if (j >= s.Length || s[j - 1] == (byte)'/') return false;
        i = j + 1;
        return true;
    }

    // An end tag prefix+local at i; i moves past it.
    private static bool EndTag(ReadOnlySpan<byte> s, scoped ref int i, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> local)
    {
        var j = i;
        if (j + 1 >= s.Length || s[j + 1] != (byte)'/') return false;
        j++;
        if (!Name(s, ref j, (byte)'/', prefix, local) || j >= s.Length || s[j] != (byte)'>') return false;
        i = j + 1;
        return true;
    }

    // `lead` then prefix then local at j, followed by something that ends a name; j moves past the name.
    private static bool Name(ReadOnlySpan<byte> s, scoped ref int j, byte lead, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> local)
    {
        var end = j + 1 + prefix.Length + local.Length;
        if (end >= s.Length || s[j] != lead || !s.Slice(j + 1, prefix.Length).SequenceEqual(prefix)
            || !s.Slice(j + 1 + prefix.Length, local.Length).SequenceEqual(local) || IsNameByte(s[end])) return false;
        j = end;
        return true;
    }

    // Plain text from i to the next '<' (false if it holds an entity or CR, or the '<' is not in sight).
    private static bool Text(ReadOnlySpan<byte> s, scoped ref int i, out ReadOnlySpan<byte> text)
    {
        var rest = s[i..];
        var stop = rest.IndexOfAny((byte)'<', (byte)'&', (byte)'\r');
        text = default;
        if (stop < 0 || rest[stop] != (byte)'<') return false;
        text = rest[..stop];
        i += stop;
        return true;
    }

    // Bytes of a tag or attribute name (ASCII letters, digits, ':', '_', '-', '.'; workbook names are ASCII).
    private static bool IsNameByte(byte b) => NameBytes[b];

    private static readonly bool[] NameBytes = Enumerable.Range(0, 256)
        .Select(b => b is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or ':' or '_' or '-' or '.').ToArray();

    private enum CellType { Number, Shared, Inline, Text, Boolean, Date, Error }

    private static CellType TypeOf(ReadOnlySpan<byte> t) => t switch
    {
        [] => CellType.Number,
        [(byte)'s'] => CellType.Shared,
        [(byte)'n'] => CellType.Number,
        [(byte)'i', (byte)'n', ..] when t.SequenceEqual("inlineStr"u8) => CellType.Inline,
        _ when t.IsEmpty || t.SequenceEqual("n"u8) => CellType.Number,
        _ when t.SequenceEqual("s"u8) => CellType.Shared,
        _ when t.SequenceEqual("inlineStr"u8) => CellType.Inline,
        _ when t.SequenceEqual("str"u8) => CellType.Text,
        _ when t.SequenceEqual("e"u8) => CellType.Error, // #N/A and the like: blank, as ExcelDataReader reads them
        _ when t.SequenceEqual("b"u8) => CellType.Boolean,
        _ when t.SequenceEqual("d"u8) => CellType.Date,
        _ => throw new InvalidDataException($"unknown cell type '{Encoding.UTF8.GetString(t)}'"),
    };

    // On a <c> (start or empty): its value, leaving the scanner past the cell's end. A cell holds a value (<v>), an
    // inline string (<is>), a formula (<f>, passed over: its last value is the <v>) and nothing else.
    private object? CellValue(CellType type, int style)
    {
        if (_xml.Kind == XmlTagKind.Empty) return null;
        object? value = null;
        string? inline = null;
        var hasValue = false;
        while (true)
        {
            if (!_xml.NextTag(spaceOnly: true)) throw Damaged($"the sheet ends inside a cell of row {_rowNumber} (truncated)");
            if (_xml.Kind == XmlTagKind.End)
            {
                if (_xml.LocalName.SequenceEqual("c"u8)) break;
                throw Damaged($"{Tag()} inside a cell of row {_rowNumber}");
            }
            if (_xml.LocalName.SequenceEqual("v"u8))
            {
                if (_xml.Kind == XmlTagKind.Empty) continue;
                if (type is CellType.Inline or CellType.Text) value = CellText(_xml.ReadText());
                else if (_xml.TryReadPlainText(out var bytes)) value = Value(type, style, bytes);
                else value = Value(type, style, Encoding.UTF8.GetBytes(_xml.ReadText()));
                hasValue = true;
                if (!_xml.NextTag() || !_xml.Is(XmlTagKind.End, "v"u8)) throw Damaged($"a value of row {_rowNumber} that is not closed");
            }
            else if (_xml.LocalName.SequenceEqual("is"u8)) inline = NullIfEmpty(ReadStringItem(_xml, "is"u8));
            else if (_xml.LocalName.SequenceEqual("f"u8) || _xml.LocalName.SequenceEqual("extLst"u8)) _xml.SkipElement();
            else throw Damaged($"{Tag()} inside a cell of row {_rowNumber}");
        }
        return type == CellType.Inline ? inline ?? (hasValue ? value : null) : value;
    }

    private string CellText(string text) =>
        text.Length <= MostCellCharacters ? text : throw Damaged($"a cell of row {_rowNumber} holds {text.Length:N0} characters; Excel allows {MostCellCharacters:N0}");

    private string Tag() =>
        (_xml.Kind == XmlTagKind.End ? "</" : "<") + Encoding.UTF8.GetString(_xml.LocalName) + ">";

    private static DamagedWorkbookException Damaged(string what) => new($"the workbook is damaged: {what}");

    // A <v> value other than text, from its bytes, as its cell type says.
    private object? Value(CellType type, int style, ReadOnlySpan<byte> raw)
    {
        var text = raw.Trim(" \t\r\n"u8);
        switch (type)
        {
            case CellType.Error:
                return null;
            case CellType.Boolean:
                return text.SequenceEqual("1"u8);
            case CellType.Shared:
                if (text.IsEmpty) return null;
                var index = Integer(text);
                return index >= 0 && index < _shared.Length ? _shared[index] : throw Damaged($"row {_rowNumber} uses shared string {index}, which does not exist");
            case CellType.Date:
                return text.IsEmpty ? null : DateTime.Parse(Encoding.UTF8.GetString(text), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            default:
                if (text.IsEmpty) return null;
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                    throw Damaged($"a number cell of row {_rowNumber} holds '{Shorten(Encoding.UTF8.GetString(text))}'");
                return (style >= 0 && style < _dateStyles.Length ? _dateStyles[style] : NumberKind.Number) switch
                {
                    NumberKind.Date when ExcelDate(number) is { } date => date,
                    NumberKind.Duration => TimeSpan.FromDays(number),
                    _ => number,
                };
        }
    }

    // A date-formatted number as ExcelDataReader gives it: serials before 1 March 1900 a day later (Excel counts a
    // 29 February 1900 that never was, so a time-only cell, 0.5, is 31 Dec 1899 12:00); out of range, a number.
    private DateTime? ExcelDate(double number)
    {
        var serial = _dateOffset > 0 ? number + _dateOffset : number is >= 0 and < 60 ? number + 1 : number;
        return serial is > -657435 and < 2958466 ? DateTime.FromOADate(serial) : null;
    }

    /// <summary>
    /// Excel writes a character XML cannot hold (a carriage return, a control character) as <c>_xHHHH_</c>, and a
    /// literal "_x" that would read so as <c>_x005F_x</c>; ExcelDataReader decodes them, and so does this.
    /// </summary>
    internal static string DecodeEscapes(string text) =>
        text.Contains("_x", StringComparison.Ordinal)
            ? EscapedCharacter().Replace(text, m => ((char)int.Parse(m.Groups[1].ValueSpan, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString())
            : text;

    [System.Text.RegularExpressions.GeneratedRegex("_x([0-9A-Fa-f]{4})_")]
    private static partial System.Text.RegularExpressions.Regex EscapedCharacter();

    // After an <si> or <is>: its text, <t> directly or in rich-text runs (<r>); phonetic hints (<rPh>, <phoneticPr>)
    // and run properties (<rPr>) are not text. Leaves the scanner past the element's end.
    private static string ReadStringItem(XmlByteScanner xml, ReadOnlySpan<byte> element)
    {
        if (xml.Kind == XmlTagKind.Empty) return "";
        string? single = null;
        StringBuilder? many = null;
        var inRun = false;
        while (true)
        {
            if (!xml.NextTag(spaceOnly: true)) throw new DamagedWorkbookException("the workbook is damaged: a string that never ends (truncated)");
            var name = xml.LocalName;
            if (xml.Kind == XmlTagKind.End)
            {
                if (name.SequenceEqual(element)) break;
                if (inRun && name.SequenceEqual("r"u8))
                {
                    inRun = false;
                    continue;
                }
                throw new DamagedWorkbookException($"the workbook is damaged: </{Encoding.UTF8.GetString(name)}> inside a string");
            }
            if (name.SequenceEqual("t"u8))
            {
                if (xml.Kind == XmlTagKind.Empty) continue;
                var text = xml.ReadText();
                if (!xml.NextTag() || !xml.Is(XmlTagKind.End, "t"u8)) throw new DamagedWorkbookException("the workbook is damaged: a string's text that is not closed");
                if (single is null) single = text;
                else (many ??= new StringBuilder(single)).Append(text);
                if ((many?.Length ?? single.Length) > MostCellCharacters)
                    throw new DamagedWorkbookException($"the workbook is damaged: a string of more than {MostCellCharacters:N0} characters, more than Excel allows");
            }
            else if (name.SequenceEqual("r"u8) && xml.Kind == XmlTagKind.Start && !inRun) inRun = true;
            else if (name.SequenceEqual("rPh"u8) || name.SequenceEqual("rPr"u8) || name.SequenceEqual("phoneticPr"u8)) xml.SkipElement();
            else throw new DamagedWorkbookException($"the workbook is damaged: <{Encoding.UTF8.GetString(name)}> inside a string");
        }
        return DecodeEscapes(many?.ToString() ?? single ?? "");
    }

    // An inline string with no text is a blank cell, as ExcelDataReader reads it.
    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;

    private static int Integer(ReadOnlySpan<byte> digits) =>
        int.TryParse(digits.Trim(" \t\r\n"u8), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new DamagedWorkbookException($"the workbook is damaged: '{Shorten(Encoding.UTF8.GetString(digits))}' where a whole number belongs");

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";

    private static int ColumnIndex(ReadOnlySpan<byte> reference)
    {
        var column = 0;
        foreach (var ch in reference)
        {
            if (ch is >= (byte)'A' and <= (byte)'Z') column = column * 26 + (ch - 'A' + 1);
            else if (ch is >= (byte)'a' and <= (byte)'z') column = column * 26 + (ch - 'a' + 1);
            else break;
            if (column > MostColumns)
                throw new DamagedWorkbookException($"the workbook is damaged: cell {Shorten(Encoding.UTF8.GetString(reference))} is beyond Excel's {MostColumns:N0} columns");
        }
        return column - 1; // -1: no column letters (r="0", as some generators write): the cell after the last one
    }

    private static XmlReaderSettings Settings() => new()
    {
        IgnoreComments = true, IgnoreProcessingInstructions = true, IgnoreWhitespace = false,
        DtdProcessing = DtdProcessing.Prohibit, CheckCharacters = false, XmlResolver = null, CloseInput = false,
    };

    /// <summary>The workbook's sheets in order (their names and the parts that hold them), and whether it counts dates from 1904.</summary>
    internal static (List<(string Name, string Path)> Sheets, bool Date1904) SheetPaths(ZipArchive zip)
    {
        var workbook = Load(zip, "xl/workbook.xml") ?? throw new InvalidDataException("no xl/workbook.xml: not an Excel workbook");
        var ns = new XmlNamespaceManager(workbook.NameTable);
        ns.AddNamespace("m", MainOf(workbook));
        var date1904 = (workbook.SelectSingleNode("//m:workbookPr", ns) as XmlElement)?.GetAttribute("date1904") is "1" or "true";
        var rels = Load(zip, "xl/_rels/workbook.xml.rels");
        var sheets = new List<(string, string)>();
        var n = 0;
        foreach (var sheet in workbook.SelectNodes("//m:sheets/m:sheet", ns)!.OfType<XmlElement>())
        {
            n++;
            var id = sheet.GetAttribute("id", Relationships);
            if (id.Length == 0) id = sheet.GetAttribute("id", StrictRelationships);
            var target = rels?.DocumentElement?.ChildNodes.OfType<XmlElement>().FirstOrDefault(r => r.GetAttribute("Id") == id)?.GetAttribute("Target")
                         ?? $"worksheets/sheet{n}.xml";
            sheets.Add((sheet.GetAttribute("name"), target.StartsWith('/') ? target.TrimStart('/') : "xl/" + target));
        }
        return sheets.Count > 0 ? (sheets, date1904) : throw new InvalidDataException("the workbook has no sheet");
    }

    internal static string[] SharedStrings(ZipArchive zip)
    {
        var entry = zip.GetEntry("xl/sharedStrings.xml");
        if (entry is null) return [];
        var strings = new List<string>();
        long characters = 0;
        using var xml = new XmlByteScanner(CheckedEntryStream.Open(entry));
        while (xml.NextTag()) // to the end of the part: its checksum is checked there
        {
            if (xml.Kind == XmlTagKind.End || !xml.LocalName.SequenceEqual("si"u8)) continue;
            var text = ReadStringItem(xml, "si"u8);
            characters += text.Length;
            if (characters > MostSharedCharacters)
                throw new DamagedWorkbookException($"the workbook's shared strings hold more than {MostSharedCharacters:N0} characters, more than any report");
            strings.Add(text);
        }
        return [.. strings];
    }

    // What each cell style (cellXfs, by index) shows a number as: a number, a date or time, or a duration.
    internal static NumberKind[] DateStyles(ZipArchive zip)
    {
        var styles = Load(zip, "xl/styles.xml");
        if (styles is null) return [];
        var ns = new XmlNamespaceManager(styles.NameTable);
        ns.AddNamespace("m", MainOf(styles));
        // A format id declared twice (some generators do): the last declaration holds, as in ExcelDataReader.
        var custom = new Dictionary<int, string>();
        foreach (var f in styles.SelectNodes("//m:numFmts/m:numFmt", ns)!.OfType<XmlElement>())
            if (int.TryParse(f.GetAttribute("numFmtId"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var fmt)) custom[fmt] = f.GetAttribute("formatCode");
        return styles.SelectNodes("//m:cellXfs/m:xf", ns)!.OfType<XmlElement>().Select(xf =>
        {
            var id = int.TryParse(xf.GetAttribute("numFmtId"), out var n) ? n : 0;
            return custom.TryGetValue(id, out var code) ? KindOf(code)
                : id == 46 ? NumberKind.Duration // [h]:mm:ss
                : id is >= 14 and <= 22 or >= 27 and <= 36 or 45 or 47 or >= 50 and <= 58 ? NumberKind.Date
                : NumberKind.Number;
        }).ToArray();
    }

    // A format with an elapsed part ([h], [mm], [ss]) shows a duration, as ExcelDataReader reads it (a TimeSpan).
    private static NumberKind KindOf(string code) =>
        ElapsedPart().IsMatch(code) ? NumberKind.Duration : IsDateFormat(code) ? NumberKind.Date : NumberKind.Number;

    [System.Text.RegularExpressions.GeneratedRegex(@"\[(h+|m+|s+)\]", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex ElapsedPart();

    private static bool IsDateFormat(string code)
    {
        var plain = new System.Text.StringBuilder();
        var quoted = false;
        var bracket = false;
        for (var i = 0; i < code.Length; i++)
        {
            var ch = code[i];
            if (ch == '"') quoted = !quoted;
            else if (quoted) continue;
            else if (ch == '\\' || ch == '_' || ch == '*') i++;
            else if (ch == '[') bracket = true;
            else if (ch == ']') bracket = false;
            else if (!bracket) plain.Append(char.ToLowerInvariant(ch));
        }
        var s = plain.ToString();
        return !s.Contains("general") && s.IndexOfAny(['d', 'm', 'y', 'h', 's']) >= 0;
    }

    private static XmlDocument? Load(ZipArchive zip, string path)
    {
        var entry = zip.GetEntry(path);
        if (entry is null) return null;
        if (entry.Length > MostSmallPartBytes)
            throw new DamagedWorkbookException($"the workbook's {path} holds {entry.Length:N0} bytes, more than any report's");
        var doc = new XmlDocument { XmlResolver = null };
        using var stream = CheckedEntryStream.Open(entry);
        try
        {
            using (var reader = XmlReader.Create(stream, Settings())) doc.Load(reader);
            stream.CopyTo(Stream.Null); // the rest, for its checksum
        }
        catch (XmlException e)
        {
            throw new DamagedWorkbookException($"the workbook's {path} is not well-formed XML ({e.Message})");
        }
        return doc;
    }

    public override void Dispose()
    {
        _xml.Dispose();
        _owned?.Dispose();
    }

    public override bool IsClosed => _done;
}

/// <summary>
/// An .xlsx opened for reading its sheets one after another: the zip, and what every sheet shares (the shared strings,
/// the date styles), read once. Takes ownership of the stream.
/// </summary>
internal sealed class XlsxWorkbook : IDisposable
{
    private readonly Stream _stream;
    private string[]? _shared;
    private NumberKind[]? _dateStyles;

    public XlsxWorkbook(Stream stream)
    {
        _stream = stream;
        Zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        try
        {
            (Sheets, Date1904) = XlsxSheetReader.SheetPaths(Zip);
        }
        catch
        {
            Zip.Dispose();
            throw;
        }
    }

    public ZipArchive Zip { get; }

    public IReadOnlyList<(string Name, string Path)> Sheets { get; }

    /// <summary>Whether its date cells count days from 1904-01-01 (<c>&lt;workbookPr date1904="1"/&gt;</c>).</summary>
    public bool Date1904 { get; }

    public string[] SharedStrings => _shared ??= XlsxSheetReader.SharedStrings(Zip);

    public NumberKind[] DateStyles => _dateStyles ??= XlsxSheetReader.DateStyles(Zip);

    public void Dispose() => Dispose(leaveStreamOpen: false);

    public void Dispose(bool leaveStreamOpen)
    {
        Zip.Dispose();
        if (!leaveStreamOpen) _stream.Dispose();
    }
}

/// <summary>What a cell style shows a number as.</summary>
internal enum NumberKind : byte
{
    Number,
    Date,
    Duration,
}
