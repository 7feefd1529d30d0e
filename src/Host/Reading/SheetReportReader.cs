using System.Data;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CrmEtl.Abstractions;
using CrmEtl.Abstractions.Reports;

namespace CrmEtl.Host.Reading;

/// <summary>
/// Streams the data rows of one sheet against a <see cref="ReportLayout"/>: finds and checks the header,
/// converts each cell by its <see cref="CellKind"/>, keeps unknown columns as JSON, skips footers and
/// checks a Total row's sums and a record count against the rows returned. A row that cannot be read fails the
/// file when <c>allOrNothing</c>, and is otherwise handed to <see cref="ReportFile.Reject"/> and passed over.
/// </summary>
internal sealed partial class SheetReportReader : IReportReader
{
    private readonly ReportFile _file;
    private readonly ReportLayout _layout;
    private readonly bool _allOrNothing;
    private bool _sawFooter;
    private const int MostKeyCharacters = 1000;
    private long _rejectedRows;
    private readonly IDataReader _sheet;
    private readonly int[] _columnIndex;
    private readonly (int Index, string Header)[] _extras;
    private readonly int _keyIndex;
    private readonly object?[] _values;
    private readonly decimal[] _sums;
    private decimal?[]? _totals;
    private long _totalRow;
    private long? _recordCount;
    private long _recordCountRow;
    private long _dataRows;
    private long _skippedRows;
    private long _sheetRow;

    /// <summary>Opens the sheet and checks the header; throws <see cref="ReportFormatException"/> on any problem.</summary>
    public SheetReportReader(ReportFile file, ReportLayout layout, bool allOrNothing)
    {
        _file = file;
        _layout = layout;
        _allOrNothing = allOrNothing;
        try
        {
            _sheet = file.OpenSheet();
        }
        catch (Exception e) when (e is not ReportFormatException)
        {
            var what = e is InvalidDataException or DamagedWorkbookException ? "damaged or truncated" : "not a readable .xlsx, .xls or .csv";
            throw new ReportFormatException(file.Name, null, null, $"{what} ({Describe(e)})", e);
        }

        try
        {
            (_columnIndex, _extras) = ReadHeader();
        }
        catch
        {
            _sheet.Dispose();
            throw;
        }
        _keyIndex = _columnIndex[IndexOfHeader(layout.KeyHeader)];
        _values = new object?[layout.Columns.Count];
        _sums = new decimal[layout.Columns.Count];
    }

    /// <inheritdoc />
    public IReadOnlyList<object?> Values => _values;

    /// <inheritdoc />
    public long RowNumber => _sheetRow;

    /// <inheritdoc />
    public string? ExtraColumnsJson { get; private set; }

    /// <inheritdoc />
    public bool Read()
    {
        while (NextSheetRow())
        {
            var key = CellValues.Text(Cell(_keyIndex));
            if (key is not null && IsFooterText(key) || FirstTextIsFooter())
            {
                ConsumeNonDataRow();
                continue;
            }
            if (key is null)
            {
                if (_layout.BlankKey == BlankKey.NotARow || IsBlankRow()) ConsumeNonDataRow();
                else Refuse(_layout.KeyHeader, null, "is blank; every row must have it");
                continue;
            }
            if (!ReadValues()) continue;
            ExtraColumnsJson = _extras.Length == 0 ? null : ExtrasJson();
            _dataRows++;
            return true;
        }
        return false;
    }

    // The row's values into _values; false when one cannot be read and the row was rejected.
    private bool ReadValues()
    {
        for (var i = 0; i < _values.Length; i++)
        {
            var column = _layout.Columns[i];
            var cell = Cell(_columnIndex[i]);
            object? value;
            try
            {
                value = Convert(column, cell);
            }
            catch (FormatException e)
            {
                Refuse(column.Header, cell, e.Message);
                return false;
            }
            if (column.Required && value is null)
            {
                Refuse(column.Header, cell, "is blank; every row must have it");
                return false;
            }
            // What no text column can hold (NUL), and what a decoder put where bytes were not UTF-8.
            if (value is string text && text.AsSpan().IndexOfAny('\0', '\uFFFD') >= 0)
            {
                Refuse(column.Header, null, text.Contains('\0')
                    ? "contains a NUL character (\\0), which no text column can hold"
                    : "holds bytes that are not UTF-8 (save the file as UTF-8)");
                return false;
            }
            // A key is indexed, and an index entry holds at most about 2,700 bytes.
            if (value is string { Length: > MostKeyCharacters } key && ReportLayout.SameHeader(_layout.KeyHeader, column.Header))
            {
                Refuse(column.Header, null, $"is {key.Length:N0} characters long; a key of more than {MostKeyCharacters:N0} cannot be indexed");
                return false;
            }
            _values[i] = value;
        }
        for (var i = 0; i < _values.Length; i++)
            if (_values[i] is decimal amount) _sums[i] += amount;
        return true;
    }

    // A row that cannot be read: the file fails, or the row is rejected and passed over.
    private void Refuse(string column, object? cell, string problem)
    {
        if (_allOrNothing) throw Error(column, problem);
        _rejectedRows++;
        _file.Reject(new RowReject(_sheetRow, null, column, CellValues.Text(cell), problem));
    }

    private bool IsBlankRow()
    {
        for (var i = 0; i < _sheet.FieldCount; i++)
            if (CellValues.Text(Cell(i)) is not null) return false;
        return true;
    }

    /// <inheritdoc />
    public ReportSummary Complete()
    {
        if (_layout.RequireFooter && !_sawFooter)
            throw new ReportFormatException(_file.Name, _sheetRow, null,
                "the report ends without its footer (a Total row, the record count, or the generated-on line): it is incomplete, cut short");
        if (_recordCount is { } count && count != _dataRows + _rejectedRows && count != _dataRows + _rejectedRows + _skippedRows)
            throw new ReportFormatException(_file.Name, _recordCountRow, null,
                $"the footer says {count} records but {_dataRows + _rejectedRows} rows were read");

        // Rejected rows are not loaded, so a Total row can only be checked when none was.
        if (_totals is not null && _rejectedRows == 0)
        {
            var problems = new List<string>();
            string? firstColumn = null;
            for (var i = 0; i < _totals.Length; i++)
            {
                if (_totals[i] is not { } total) continue;
                var sum = Math.Round(_sums[i], 2);
                if (Math.Round(total, 2) == sum) continue;
                firstColumn ??= _layout.Columns[i].Header;
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"'{_layout.Columns[i].Header}' total {total:0.00} but the {_dataRows} rows loaded sum to {sum:0.00} (off by {total - sum:0.00})"));
            }
            if (problems.Count > 0)
                throw new ReportFormatException(_file.Name, _totalRow, firstColumn,
                    "the Total row does not match the rows: " + string.Join("; ", problems));
        }
        return new ReportSummary(_dataRows, _skippedRows, _totals is not null)
        {
            Warnings = _layout.Columns.Where((c, i) => _columnIndex[i] < 0)
                .Select(c => $"{_file.Name}: no column '{c.Header}'; read as blank in every row").ToArray(),
        };
    }

    /// <inheritdoc />
    public void Dispose() => _sheet.Dispose();

    private (int[] Index, (int, string)[] Extras) ReadHeader()
    {
        string[]? firstRow = null;
        for (var attempt = 0; attempt < _layout.HeaderSearchRows && NextSheetRow(); attempt++)
        {
            var headers = Enumerable.Range(0, _sheet.FieldCount)
                .Select(i => CellValues.Text(Cell(i)) ?? "")
                .ToArray();
            if (headers.All(h => h.Length == 0)) continue;
            firstRow ??= headers;
            // A header row holds at least half the columns every file must have.
            var found = _layout.Columns.Count(c => !c.Optional && Find(headers, c.Header) >= 0);
            if (found * 2 < _layout.Columns.Count(c => !c.Optional)) continue;

            var index = _layout.Columns.Select(c => Find(headers, c.Header)).ToArray();
            var missing = _layout.Columns.Where((c, i) => index[i] < 0 && !c.Optional).Select(c => $"'{c.Header}'").ToList();
            if (missing.Count > 0)
            {
                var unknown = headers.Where(h => h.Length > 0 && !_layout.Columns.Any(c => ReportLayout.SameHeader(c.Header, h)))
                    .Select(h => $"'{h}'").ToList();
                var hint = unknown.Count > 0 ? $"; columns not in the contract: {string.Join(", ", unknown)}" : "";
                throw new ReportFormatException(_file.Name, _sheetRow, missing[0].Trim('\''),
                    $"header is missing {(missing.Count == 1 ? "column" : "columns")} {string.Join(", ", missing)}{hint}");
            }
            var known = new HashSet<int>(index);
            var extras = headers.Select((h, i) => (i, h))
                .Where(x => x.h.Length > 0 && !known.Contains(x.i))
                .ToArray();
            return (index, extras);
        }

        if (firstRow is null)
            throw new ReportFormatException(_file.Name, null, null, "the file has no header row (it is empty)");
        var expected = string.Join(", ", _layout.Columns.Take(3).Select(c => $"'{c.Header}'"));
        throw new ReportFormatException(_file.Name, 1, null,
            $"no header row found in the first {_layout.HeaderSearchRows} rows (expected columns such as {expected}; " +
            $"row 1 has {firstRow.Count(h => h.Length > 0)} filled cells, none of them a known column: is it the right file?)");
    }

    private void ConsumeNonDataRow()
    {
        var texts = new List<string>();
        for (var i = 0; i < _sheet.FieldCount; i++)
            if (CellValues.Text(Cell(i)) is { } t) texts.Add(t);
        if (texts.Count == 0) return;

        foreach (var text in texts)
        {
            var records = RecordCountPattern().Match(text);
            if (records.Success)
            {
                _recordCount = long.TryParse(records.Groups[1].Value.Replace(",", ""), CultureInfo.InvariantCulture, out var count)
                    ? count
                    : throw new ReportFormatException(_file.Name, _sheetRow, null, $"the footer's record count '{Shorten(records.Groups[1].Value)}' is no count");
                _recordCountRow = _sheetRow;
                _sawFooter = true;
                return;
            }
            if (TotalPattern().IsMatch(text))
            {
                ReadTotals();
                _sawFooter = true;
                return;
            }
            if (_layout.FooterPatterns.Any(p => p.IsMatch(text)))
            {
                _sawFooter = true;
                return;
            }
        }
        _skippedRows++;
    }

    private void ReadTotals()
    {
        if (_totals is not null)
            throw new ReportFormatException(_file.Name, _sheetRow, null, $"a second Total row (the first is row {_totalRow})");
        _totals = new decimal?[_layout.Columns.Count];
        _totalRow = _sheetRow;
        for (var i = 0; i < _totals.Length; i++)
        {
            var column = _layout.Columns[i];
            if (column.Kind != CellKind.Money) continue;
            var cell = Cell(_columnIndex[i]);
            if (CellValues.Text(cell) is null) continue;
            try
            {
                _totals[i] = CellValues.Money(cell);
            }
            catch (FormatException e)
            {
                throw Error(column.Header, e.Message);
            }
        }
    }

    // The cell as its column's kind; a FormatException says what is wrong with it.
    private static object? Convert(ReportColumn column, object? cell) => column.Kind switch
    {
        CellKind.Money => CellValues.Money(cell),
        CellKind.Number => CellValues.Number(cell),
        CellKind.DateTime => CellValues.DateTime(cell),
        CellKind.Instant => CellValues.Instant(cell),
        CellKind.Boolean => CellValues.Boolean(cell),
        CellKind.FreeText => CellValues.FreeText(cell),
        _ => CellValues.Text(cell),
    };

    private bool NextSheetRow()
    {
        try
        {
            if (!_sheet.Read()) return false;
        }
        catch (Exception e)
        {
            throw new ReportFormatException(_file.Name, _sheetRow + 1, null, $"the file is damaged or truncated ({Describe(e)})", e);
        }
        _sheetRow++;
        return true;
    }

    private object? Cell(int index)
    {
        try
        {
            return index >= 0 && index < _sheet.FieldCount ? _sheet.GetValue(index) : null;
        }
        catch (Exception e)
        {
            throw new ReportFormatException(_file.Name, _sheetRow, null, $"unreadable cell {index + 1} ({Describe(e)})", e);
        }
    }

    private string ExtrasJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (index, header) in _extras)
            {
                switch (Cell(index))
                {
                    case null or DBNull: json.WriteNull(header); break;
                    case double d when double.IsFinite(d): json.WriteNumber(header, d); break;
                    case bool b: json.WriteBoolean(header, b); break;
                    case var other: json.WriteString(header, CellValues.Text(other)); break;
                }
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    // A Total row may carry a count under the key column; its first cell still says "Total".
    private bool FirstTextIsFooter()
    {
        for (var i = 0; i < _sheet.FieldCount; i++)
        {
            switch (Cell(i))
            {
                case null or DBNull:
                    continue;
                case string s when !string.IsNullOrWhiteSpace(s):
                    return IsFooterText(CellValues.Fold(s));
                default:
                    return false;
            }
        }
        return false;
    }

    private bool IsFooterText(string key) =>
        TotalPattern().IsMatch(key) || RecordCountPattern().IsMatch(key) || _layout.FooterPatterns.Any(p => p.IsMatch(key));

    private ReportFormatException Error(string column, string problem) =>
        new(_file.Name, _sheetRow, column, problem);

    private int IndexOfHeader(string header) =>
        _layout.Columns.Select((c, i) => (c, i)).First(x => ReportLayout.SameHeader(x.c.Header, header)).i;

    private static int Find(string[] headers, string header) => Array.FindIndex(headers, h => ReportLayout.SameHeader(header, h));

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";

    private static string Describe(Exception e)
    {
        var message = e.Message.Split('\n')[0];
        return message.Length <= 120 ? message : message[..120] + "…";
    }

    [GeneratedRegex(@"^(grand\s+)?totals?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TotalPattern();

    [GeneratedRegex(@"^total\s+(?:no\.?\s+of\s+)?(?:records|orders|rows)\s*:?\s*([\d,]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RecordCountPattern();
}
