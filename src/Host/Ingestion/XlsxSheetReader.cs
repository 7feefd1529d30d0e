using System.Data;
using System.Globalization;
using System.IO.Compression;
using System.Xml;

namespace CrmEtl.Host.Ingestion;

/// <summary>
/// A forward-only reader of the first worksheet of an .xlsx, streamed straight from the zip with an XmlReader:
/// cells come as ExcelDataReader gives them (string, double, DateTime for date-formatted numbers, bool, null),
/// one row per sheet row (gaps included, so row numbers match Excel's). Only the IDataReader members a
/// report parser uses are implemented. Anything it does not understand is an exception, never a guess.
/// </summary>
internal sealed class XlsxSheetReader : IDataReader
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private readonly Stream _stream;
    private readonly ZipArchive _zip;
    private readonly XmlReader _xml;
    private readonly string[] _shared;
    private readonly bool[] _dateStyles;
    private readonly string _row, _c, _v, _is, _sheetData;
    private object?[] _cells = new object?[64];
    private int _width;
    private int _fieldCount;
    private long _rowNumber;
    private long _nextXmlRow = -1;
    private bool _done;

    /// <summary>Takes ownership of <paramref name="stream"/>, except when it throws: then the stream is left open.</summary>
    public XlsxSheetReader(Stream stream)
    {
        _stream = stream;
        _zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        try
        {
            var sheetPath = FirstSheetPath(_zip);
            _shared = SharedStrings(_zip);
            _dateStyles = DateStyles(_zip);
            var entry = _zip.GetEntry(sheetPath) ?? throw new InvalidDataException($"the workbook names {sheetPath}, which is missing");
            _xml = XmlReader.Create(entry.Open(), Settings());
        }
        catch
        {
            _zip.Dispose();
            throw;
        }
        var names = _xml.NameTable;
        (_row, _c, _v, _is, _sheetData) = (names.Add("row"), names.Add("c"), names.Add("v"), names.Add("is"), names.Add("sheetData"));
        while (_xml.Read())
            if (_xml.NodeType == XmlNodeType.Element && ReferenceEquals(_xml.LocalName, _sheetData)) return;
        _done = true;
    }

    public int FieldCount => _fieldCount;

    public object GetValue(int i) => (i < _width ? _cells[i] : null)!;

    public bool Read()
    {
        Array.Clear(_cells, 0, _width);
        _width = 0;
        _rowNumber++;
        if (_nextXmlRow > _rowNumber) return true;          // a row the sheet leaves out: empty
        if (_nextXmlRow == _rowNumber) return ReadRowCells(); // announced by the last look-ahead
        if (_done) return false;
        while (_xml.Read())
        {
            if (_xml.NodeType == XmlNodeType.EndElement && ReferenceEquals(_xml.LocalName, _sheetData)) break;
            if (_xml.NodeType != XmlNodeType.Element || !ReferenceEquals(_xml.LocalName, _row)) continue;
            var r = _xml.GetAttribute("r");
            _nextXmlRow = r is null ? _rowNumber : long.Parse(r, CultureInfo.InvariantCulture);
            if (_nextXmlRow < _rowNumber) throw new InvalidDataException($"row {r} comes after row {_rowNumber - 1}");
            return _nextXmlRow > _rowNumber || ReadRowCells();
        }
        _done = true;
        return false;
    }

    // On a <row>: reads its cells and leaves the reader on the row's end.
    private bool ReadRowCells()
    {
        if (_xml.IsEmptyElement) return true;
        var depth = _xml.Depth;
        var column = 0;
        _xml.Read();
        while (!_xml.EOF && !(_xml.NodeType == XmlNodeType.EndElement && _xml.Depth == depth))
        {
            if (_xml.NodeType != XmlNodeType.Element || !ReferenceEquals(_xml.LocalName, _c))
            {
                _xml.Read();
                continue;
            }
            var reference = _xml.GetAttribute("r");
            if (reference is not null) column = ColumnIndex(reference);
            var value = CellValue(_xml.GetAttribute("t"), _xml.GetAttribute("s"));
            if (column >= _cells.Length) Array.Resize(ref _cells, Math.Max(_cells.Length * 2, column + 1));
            _cells[column] = value;
            column++;
            _width = Math.Max(_width, column);
            _xml.Read(); // past </c> (or the empty <c/>)
        }
        _fieldCount = Math.Max(_fieldCount, _width);
        return true;
    }

    // On a <c>: returns its value and leaves the reader on the cell's end (or on the empty element itself).
    private object? CellValue(string? type, string? style)
    {
        string? raw = null;
        string? inline = null;
        if (!_xml.IsEmptyElement)
        {
            var depth = _xml.Depth;
            _xml.Read();
            while (!_xml.EOF && !(_xml.NodeType == XmlNodeType.EndElement && _xml.Depth == depth))
            {
                if (_xml.NodeType == XmlNodeType.Element && ReferenceEquals(_xml.LocalName, _v)) raw = _xml.ReadElementContentAsString();
                else if (_xml.NodeType == XmlNodeType.Element && ReferenceEquals(_xml.LocalName, _is)) inline = ReadText(_xml);
                else if (_xml.NodeType == XmlNodeType.Element) _xml.Skip();
                else _xml.Read();
            }
        }
        switch (type)
        {
            case "inlineStr":
                return inline ?? raw;
            case "s":
                if (string.IsNullOrWhiteSpace(raw)) return null;
                var index = int.Parse(raw, CultureInfo.InvariantCulture);
                return index < _shared.Length ? _shared[index] : throw new InvalidDataException($"shared string {index} does not exist");
            case "str" or "e":
                return raw;
            case "b":
                return raw == "1";
            case "d":
                return string.IsNullOrWhiteSpace(raw) ? null : DateTime.Parse(raw, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            case null or "n":
                if (string.IsNullOrWhiteSpace(raw)) return null;
                var number = double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
                return style is not null && int.TryParse(style, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
                       && s < _dateStyles.Length && _dateStyles[s] && number is > -657435 and < 2958466
                    ? DateTime.FromOADate(number)
                    : number;
            default:
                throw new InvalidDataException($"unknown cell type '{type}'");
        }
    }

    // On an <si> or <is>: its text, <t> directly or in rich-text runs; phonetic hints (<rPh>) are not text.
    // Leaves the reader past the element.
    private static string ReadText(XmlReader xml)
    {
        if (xml.IsEmptyElement)
        {
            xml.Read();
            return "";
        }
        var depth = xml.Depth;
        string? single = null;
        System.Text.StringBuilder? many = null;
        xml.Read();
        while (!xml.EOF && !(xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth))
        {
            if (xml.NodeType != XmlNodeType.Element) xml.Read();
            else if (xml.LocalName == "rPh") xml.Skip();
            else if (xml.LocalName != "t") xml.Read();
            else
            {
                var text = xml.ReadElementContentAsString();
                if (single is null) single = text;
                else (many ??= new System.Text.StringBuilder(single)).Append(text);
            }
        }
        xml.Read(); // past the end element
        return many?.ToString() ?? single ?? "";
    }

    private static int ColumnIndex(string reference)
    {
        var column = 0;
        foreach (var ch in reference)
        {
            if (ch is >= 'A' and <= 'Z') column = column * 26 + (ch - 'A' + 1);
            else if (ch is >= 'a' and <= 'z') column = column * 26 + (ch - 'a' + 1);
            else break;
        }
        return column == 0 ? throw new InvalidDataException($"bad cell reference '{reference}'") : column - 1;
    }

    private static XmlReaderSettings Settings() => new()
    {
        IgnoreComments = true, IgnoreProcessingInstructions = true, IgnoreWhitespace = false,
        DtdProcessing = DtdProcessing.Prohibit, CheckCharacters = false, XmlResolver = null,
    };

    private static string FirstSheetPath(ZipArchive zip)
    {
        var workbook = Load(zip, "xl/workbook.xml") ?? throw new InvalidDataException("no xl/workbook.xml: not an Excel workbook");
        var ns = new XmlNamespaceManager(workbook.NameTable);
        ns.AddNamespace("m", Main);
        var sheet = workbook.SelectSingleNode("//m:sheets/m:sheet", ns) as XmlElement ?? throw new InvalidDataException("the workbook has no sheet");
        var id = sheet.GetAttribute("id", "http://schemas.openxmlformats.org/officeDocument/2006/relationships");
        var rels = Load(zip, "xl/_rels/workbook.xml.rels");
        var target = rels?.DocumentElement?.ChildNodes.OfType<XmlElement>().FirstOrDefault(r => r.GetAttribute("Id") == id)?.GetAttribute("Target")
                     ?? "worksheets/sheet1.xml";
        return target.StartsWith('/') ? target.TrimStart('/') : "xl/" + target;
    }

    private static string[] SharedStrings(ZipArchive zip)
    {
        var entry = zip.GetEntry("xl/sharedStrings.xml");
        if (entry is null) return [];
        var strings = new List<string>();
        using var xml = XmlReader.Create(entry.Open(), Settings());
        xml.Read();
        while (!xml.EOF)
        {
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "si") strings.Add(ReadText(xml));
            else xml.Read();
        }
        return [.. strings];
    }

    // Which cell styles (cellXfs, by index) show numbers as dates or times.
    private static bool[] DateStyles(ZipArchive zip)
    {
        var styles = Load(zip, "xl/styles.xml");
        if (styles is null) return [];
        var ns = new XmlNamespaceManager(styles.NameTable);
        ns.AddNamespace("m", Main);
        var custom = styles.SelectNodes("//m:numFmts/m:numFmt", ns)!.OfType<XmlElement>()
            .ToDictionary(f => int.Parse(f.GetAttribute("numFmtId"), CultureInfo.InvariantCulture), f => f.GetAttribute("formatCode"));
        return styles.SelectNodes("//m:cellXfs/m:xf", ns)!.OfType<XmlElement>().Select(xf =>
        {
            var id = int.TryParse(xf.GetAttribute("numFmtId"), out var n) ? n : 0;
            return custom.TryGetValue(id, out var code) ? IsDateFormat(code) : id is >= 14 and <= 22 or >= 27 and <= 36 or >= 45 and <= 47 or >= 50 and <= 58;
        }).ToArray();
    }

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
        var doc = new XmlDocument { XmlResolver = null };
        using var stream = entry.Open();
        using var reader = XmlReader.Create(stream, Settings());
        doc.Load(reader);
        return doc;
    }

    public void Dispose()
    {
        _xml.Dispose();
        _zip.Dispose();
        _stream.Dispose();
    }

    public void Close() => Dispose();

    public bool IsClosed => _done;

    public int Depth => 0;

    public int RecordsAffected => -1;

    public object this[int i] => GetValue(i);

    public object this[string name] => throw new NotSupportedException();

    public bool NextResult() => false;

    public DataTable GetSchemaTable() => throw new NotSupportedException();

    public bool GetBoolean(int i) => (bool)GetValue(i);

    public byte GetByte(int i) => throw new NotSupportedException();

    public long GetBytes(int i, long fieldOffset, byte[]? buffer, int bufferoffset, int length) => throw new NotSupportedException();

    public char GetChar(int i) => throw new NotSupportedException();

    public long GetChars(int i, long fieldoffset, char[]? buffer, int bufferoffset, int length) => throw new NotSupportedException();

    public IDataReader GetData(int i) => throw new NotSupportedException();

    public string GetDataTypeName(int i) => GetFieldType(i).Name;

    public DateTime GetDateTime(int i) => (DateTime)GetValue(i);

    public decimal GetDecimal(int i) => Convert.ToDecimal(GetValue(i), CultureInfo.InvariantCulture);

    public double GetDouble(int i) => (double)GetValue(i);

    public Type GetFieldType(int i) => GetValue(i)?.GetType() ?? typeof(object);

    public float GetFloat(int i) => (float)GetDouble(i);

    public Guid GetGuid(int i) => throw new NotSupportedException();

    public short GetInt16(int i) => throw new NotSupportedException();

    public int GetInt32(int i) => throw new NotSupportedException();

    public long GetInt64(int i) => throw new NotSupportedException();

    public string GetName(int i) => $"Column{i}";

    public int GetOrdinal(string name) => throw new NotSupportedException();

    public string GetString(int i) => (string)GetValue(i);

    public int GetValues(object[] values) => throw new NotSupportedException();

    public bool IsDBNull(int i) => GetValue(i) is null;
}
