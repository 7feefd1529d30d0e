using System.Data;
using CrmEtl.Abstractions;

namespace CrmEtl.Host.Reading;

/// <summary>A report file as the host hands it to a parser: its sheets, and where its rejected rows go.</summary>
internal sealed class HostReportFile(string path, Action<RowReject> reject) : ReportFile
{
    public override string Path { get; } = System.IO.Path.GetFullPath(path);

    public override IDataReader OpenSheet() => SheetOpener.Open(Path);

    public override IEnumerable<Sheet> OpenSheets() => SheetOpener.OpenAll(Path);

    public override void Reject(RowReject row) => reject(row);
}
