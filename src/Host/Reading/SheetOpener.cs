using System.Data;
using System.Text;
using CrmEtl.Abstractions;
using ExcelDataReader;

namespace CrmEtl.Host.Reading;

/// <summary>
/// Opens the sheets of a report file: the first sheet of an .xlsx with <see cref="XlsxSheetReader"/> (streamed from
/// the zip), a .csv with <see cref="CsvSheetReader"/>, anything else (an .xls, every sheet of a workbook, a workbook
/// the fast reader does not know) with ExcelDataReader; rows are streamed, never all in memory. An HTML page where a
/// report was expected is refused by name.
/// </summary>
internal static class SheetOpener
{
    // ExcelDataReader's configuration asks for code page 1252 when made: the provider first.
    private static readonly ExcelReaderConfiguration Config;

    static SheetOpener()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Config = new ExcelReaderConfiguration { FallbackEncoding = Encoding.UTF8, LeaveOpen = false };
    }

    public static IDataReader Open(string path)
    {
        var stream = OpenChecked(path);
        try
        {
            if (IsCsv(path)) return new CsvSheetReader(stream);
            if (IsZip(stream))
            {
                if (Environment.GetEnvironmentVariable("CRMETL_XLSX_READER") != "exceldatareader")
                {
                    try
                    {
                        return new XlsxSheetReader(stream);
                    }
                    catch (Exception e) when (e is not (DamagedWorkbookException or OutOfMemoryException))
                    {
                        // not a workbook layout the fast reader knows: ExcelDataReader decides, with its own message
                        stream.Position = 0;
                    }
                }
                // ExcelDataReader checks no checksum: the workbook's are checked first, every entry read once.
                VerifyChecksums(stream);
                stream.Position = 0;
            }
            return ExcelReaderFactory.CreateReader(stream, Config);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Every sheet in workbook order; each sheet's rows must be read before the next sheet is asked for.</summary>
    public static IEnumerable<Sheet> OpenAll(string path)
    {
        if (IsCsv(path))
        {
            using var csv = new CsvSheetReader(OpenChecked(path));
            yield return new Sheet(Path.GetFileNameWithoutExtension(path), csv);
            yield break;
        }
        var stream = OpenChecked(path);
        if (IsZip(stream) && Environment.GetEnvironmentVariable("CRMETL_XLSX_READER") != "exceldatareader" && FastWorkbook(stream) is { } fast)
        {
            // every sheet with the fast reader, which checks each part's checksum as it reads it
            using (fast)
                foreach (var (name, part) in fast.Sheets)
                {
                    using var sheet = new XlsxSheetReader(fast, part);
                    yield return new Sheet(name, sheet);
                }
            yield break;
        }
        if (IsZip(stream))
        {
            VerifyChecksums(stream);
            stream.Position = 0;
        }
        using var workbook = ExcelReaderFactory.CreateReader(stream, Config);
        do
        {
            yield return new Sheet(workbook.Name, new CurrentSheet(workbook));
        } while (workbook.NextResult());
    }

    // The workbook for the fast reader, or null (the stream rewound) when its layout is one the fast reader does not know.
    private static XlsxWorkbook? FastWorkbook(FileStream stream)
    {
        XlsxWorkbook? workbook = null;
        try
        {
            workbook = new XlsxWorkbook(stream);
            _ = workbook.SharedStrings; // read here, so that a workbook the fast reader cannot take falls back whole
            _ = workbook.DateStyles;
            return workbook;
        }
        catch (Exception e) when (e is not (DamagedWorkbookException or OutOfMemoryException))
        {
            workbook?.Dispose(leaveStreamOpen: true);
            stream.Position = 0;
            return null;
        }
    }

    private static bool IsCsv(string path) => path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);

    private static FileStream OpenChecked(string path)
    {
        FileProbe.RequireRegularFile(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            RefuseHtml(stream, Path.GetFileName(path));
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static void VerifyChecksums(Stream stream)
    {
        using var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Read, leaveOpen: true);
        foreach (var entry in zip.Entries)
        {
            using var checkedEntry = CheckedEntryStream.Open(entry);
            checkedEntry.CopyTo(Stream.Null);
        }
    }

    private static bool IsZip(FileStream stream)
    {
        Span<byte> head = stackalloc byte[4];
        var read = stream.Read(head);
        stream.Position = 0;
        return read == 4 && head[0] == 0x50 && head[1] == 0x4B && head[2] == 3 && head[3] == 4;
    }

    private static void RefuseHtml(FileStream stream, string name)
    {
        var head = new byte[512];
        var read = stream.Read(head, 0, head.Length);
        stream.Position = 0;
        var text = Encoding.UTF8.GetString(head, 0, read).TrimStart('\uFEFF', ' ', '\r', '\n', '\t');
        if (text.StartsWith('<') &&
            (text.Contains("<html", StringComparison.OrdinalIgnoreCase) || text.Contains("<!doctype", StringComparison.OrdinalIgnoreCase)))
            throw new ReportFormatException(name, null, null,
                "is an HTML page, not a report (the portal answered with a web page: an expired session or an error page)");
        if (read == 0) throw new ReportFormatException(name, null, null, "is empty (0 bytes)");
    }

    // One sheet of an ExcelDataReader workbook: its rows until the sheet ends (the workbook moves on after).
    private sealed class CurrentSheet(IExcelDataReader workbook) : SheetReaderBase
    {
        public override int FieldCount => workbook.FieldCount;

        public override object GetValue(int i) => i < workbook.FieldCount ? workbook.GetValue(i) : null!;

        public override bool Read() => workbook.Read();

        public override void Dispose()
        {
        }
    }
}
