using System.Text;
using Sylvan.Data.Csv;

namespace CrmEtl.Host.Reading;

/// <summary>
/// A .csv as a sheet, read by Sylvan.Data.Csv (RFC 4180: quoted commas, quotes and line breaks): every row as it is,
/// header included, cells as text (a missing trailing cell is blank). UTF-8, with or without a byte-order mark; bytes
/// that are not UTF-8 become U+FFFD, which the report reader refuses by row and column (a strict decoder would
/// fail while filling its buffer, rows before the bad one).
/// </summary>
internal sealed class CsvSheetReader : SheetReaderBase
{
    private readonly CsvDataReader _csv;
    private int _fieldCount;
    private bool _first = true;

    public CsvSheetReader(Stream stream)
    {
        var text = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        _csv = CsvDataReader.Create(text, new CsvDataReaderOptions
        {
            HasHeaders = false,
            Delimiter = ',',
            OwnsReader = true,
            // A cell is at most 32,767 characters, a row of them a few MB; a longer record is not a report.
            MaxBufferSize = 4 * 1024 * 1024,
        });
    }

    public override int FieldCount => _fieldCount;

    public override object GetValue(int i)
    {
        if (i >= _csv.RowFieldCount) return null!;
        var value = _csv.GetString(i);
        // A byte-order mark that was not at the very start of the stream (a file glued to another) is not text.
        if (_first && i == 0 && value.StartsWith('\uFEFF')) value = value[1..];
        return value.Length == 0 ? null! : value;
    }

    public override bool Read()
    {
        if (!_csv.Read()) return false;
        if (_fieldCount > 0) _first = false;
        _fieldCount = Math.Max(_fieldCount, _csv.RowFieldCount);
        return true;
    }

    public override void Dispose() => _csv.Dispose();
}
