using System.Data;
using System.Text;
using CrmEtl.Abstractions;
using ExcelDataReader;

namespace CrmEtl.Host.Ingestion;

/// <summary>
/// Opens the first sheet of an .xlsx (<see cref="XlsxSheetReader"/>, streamed from the zip), or of an .xls or
/// .csv (ExcelDataReader); rows are streamed, never all in memory. A workbook whose structure the fast reader
/// does not know is handed to ExcelDataReader. An HTML page where a report was expected is refused by name.
/// </summary>
internal static class SheetOpener
{
    static SheetOpener() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static ReportFile ReportFile(string path) => new(path, () => Open(path));

    public static IDataReader Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            RefuseHtml(stream, Path.GetFileName(path));
            var csv = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
            if (!csv && IsZip(stream) && Environment.GetEnvironmentVariable("CRMETL_XLSX_READER") != "exceldatareader")
            {
                try
                {
                    return new XlsxSheetReader(stream);
                }
                catch (Exception e) when (e is InvalidDataException or System.Xml.XmlException or KeyNotFoundException)
                {
                    // not a workbook layout the fast reader knows: ExcelDataReader decides, with its own message
                    stream.Position = 0;
                }
            }
            var config = new ExcelReaderConfiguration { FallbackEncoding = Encoding.UTF8, LeaveOpen = false };
            return csv ? ExcelReaderFactory.CreateCsvReader(stream, config) : ExcelReaderFactory.CreateReader(stream, config);
        }
        catch
        {
            stream.Dispose();
            throw;
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
}
