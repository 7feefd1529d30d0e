namespace CrmEtl.Abstractions;

/// <summary>A report file handed to a parser.</summary>
/// <param name="Path">Full path of the file.</param>
/// <param name="OpenSheet">Opens the first sheet of an .xlsx, .xls or .csv as rows of cells (host service).</param>
public sealed record ReportFile(string Path, Func<System.Data.IDataReader> OpenSheet)
{
    /// <summary>File name without folder, as used in messages.</summary>
    public string Name => System.IO.Path.GetFileName(Path);
}
