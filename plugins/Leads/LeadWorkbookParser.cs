using System.Buffers;
using System.Data;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CrmEtl.Abstractions;

namespace CrmEtl.Plugins.Leads;

/// <summary>
/// Reads every sheet of a leads workbook (or a CSV, one sheet): the header is the sheet's first non-empty row within
/// its first ten, and each later non-blank row is staged as its cells under their normalised headers. Which header
/// fills which field of <c>leads</c>, and every cleaning rule, is SQL (the synonyms table and the models): this side
/// only finds the headers and keeps the cells as they were written.
/// </summary>
internal sealed class LeadWorkbookParser : IReportParser
{
    /// <summary>Rows searched for a sheet's header.</summary>
    public const int HeaderRows = 10;

    // Excel holds at most this much in a cell: more is not a cell a person typed.
    private const int MaxCellLength = 32_767;
    private const int MaxColumns = 1_000;

    public IReadOnlyList<StagingColumn> Columns { get; } =
    [
        new("source_file", CellKind.Text) { InRowHash = false },
        new("sheet_position", CellKind.Number) { InRowHash = false },
        new("cells", CellKind.Json),
        // the sheet's headers, on its first staged row only: the models learn a sheet's columns without reading its rows
        new("sheet_headers", CellKind.Json) { InRowHash = false },
    ];

    public IReportReader Open(ReportFile file) => new Reader(file);

    /// <summary>
    /// A header as the synonyms table spells it: trimmed, case folded, <c>_</c> and <c>-</c> read as spaces, other
    /// punctuation dropped, white space folded. <c>"Parent Mobile no."</c> is <c>parent mobile no</c>.
    /// </summary>
    public static string NormaliseHeader(string header)
    {
        var sb = new StringBuilder(header.Length);
        var space = false;
        foreach (var c in header.Trim().ToLowerInvariant())
        {
            if (char.IsWhiteSpace(c) || c is '_' or '-') space = sb.Length > 0;
            else if (char.IsLetterOrDigit(c))
            {
                if (space) sb.Append(' ');
                sb.Append(c);
                space = false;
            }
        }
        return sb.ToString();
    }

    /// <summary>A cell as text, the way a person reads it: 9876543210 not 9.87654321E+09, a date as yyyy-MM-dd.</summary>
    public static string? CellText(object? value) => value switch
    {
        null or DBNull => null,
        string s => s,
        double d when double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 1e15 => d.ToString("0", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTime t when t.TimeOfDay == TimeSpan.Zero => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };

    private sealed class Reader : IReportReader
    {
        private readonly ReportFile _file;
        private readonly IEnumerator<Sheet> _sheets;
        private readonly object?[] _values = new object?[4];
        private readonly List<string> _warnings = [];
        private readonly ArrayBufferWriter<byte> _json = new(1024);
        private readonly Utf8JsonWriter _writer;
        private IDataReader? _rows;
        private string[] _headers = [];   // per column: its normalised header, or null when the column is dropped
        private int _position;
        private string? _sheetHeaders;   // the current sheet's headers as a JSON array, until a row of it is staged
        private long _row, _dataRows, _skipped;

        public Reader(ReportFile file)
        {
            _file = file;
            _values[0] = file.Name;
            _writer = new Utf8JsonWriter(_json, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            _sheets = file.OpenSheets().GetEnumerator();
        }

        public IReadOnlyList<object?> Values => _values;

        public long RowNumber => _row;

        public string? Sheet { get; private set; }

        public string? ExtraColumnsJson => null;

        public bool Read()
        {
            while (true)
            {
                if (_rows is null && !NextSheet()) return false;
                if (!_rows!.Read())
                {
                    _rows = null;
                    continue;
                }
                _row++;
                if (Stage()) return true;
            }
        }

        // Moves to the next sheet that has a header, and reads the header.
        private bool NextSheet()
        {
            while (_sheets.MoveNext())
            {
                var sheet = _sheets.Current;
                _position++;
                Sheet = sheet.Name;
                _row = 0;
                string?[]? header = null;
                while (header is null && _row < HeaderRows && sheet.Rows.Read())
                {
                    _row++;
                    var cells = new string?[Math.Min(sheet.Rows.FieldCount, MaxColumns)];
                    for (var i = 0; i < cells.Length; i++) cells[i] = CellText(sheet.Rows.GetValue(i))?.Trim();
                    if (cells.Any(c => !string.IsNullOrEmpty(c))) header = cells;
                }
                if (header is null)
                {
                    _warnings.Add($"sheet '{sheet.Name}' has no header in its first {HeaderRows} rows: passed over");
                    continue;
                }
                _headers = Headers(header);
                _sheetHeaders = JsonSerializer.Serialize(_headers.Where(h => h is not null));
                _rows = sheet.Rows;
                return true;
            }
            return false;
        }

        // Normalised headers; an empty one, or pandas' "Unnamed: 3", drops its column; a repeated one gets " 2", " 3".
        private static string[] Headers(string?[] raw)
        {
            var headers = new string[raw.Length];
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < raw.Length; i++)
            {
                var name = NormaliseHeader(raw[i] ?? "");
                if (name.Length == 0 || (name.StartsWith("unnamed ", StringComparison.Ordinal) && name[8..].All(char.IsAsciiDigit)))
                {
                    headers[i] = null!;
                    continue;
                }
                seen[name] = seen.TryGetValue(name, out var n) ? n + 1 : 1;
                headers[i] = seen[name] == 1 ? name : $"{name} {seen[name]}";
            }
            return headers;
        }

        // The current row as a JSON object of its non-blank named cells; false for a blank row or a rejected one.
        private bool Stage()
        {
            _json.Clear();
            _writer.Reset(_json);
            var writer = _writer;
            var any = false;
            {
                writer.WriteStartObject();
                var count = Math.Min(_rows!.FieldCount, _headers.Length);
                for (var i = 0; i < count; i++)
                {
                    if (_headers[i] is not { } header) continue;
                    var text = CellText(_rows.GetValue(i));
                    if (string.IsNullOrWhiteSpace(text)) continue;
                    if (text.Contains('\0') || text.Length > MaxCellLength)
                    {
                        var why = text.Contains('\0') ? "contains a NUL character (\\0)" : $"is longer than a cell can be ({text.Length:N0} characters)";
                        _file.Reject(new RowReject(_row, Sheet, header, text[..Math.Min(text.Length, 200)], $"the cell {why}"));
                        _skipped++;
                        return false;
                    }
                    writer.WriteString(header, text);
                    any = true;
                }
                writer.WriteEndObject();
                writer.Flush();
            }
            if (!any) return false;
            _values[1] = (decimal)_position;
            _values[2] = Encoding.UTF8.GetString(_json.WrittenSpan);
            _values[3] = _sheetHeaders;
            _sheetHeaders = null;
            _dataRows++;
            return true;
        }

        public ReportSummary Complete() => new(_dataRows, _skipped, false) { Warnings = _warnings };

        public void Dispose()
        {
            _writer.Dispose();
            _sheets.Dispose();
        }
    }
}
