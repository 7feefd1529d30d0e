using System.Data;

namespace CrmEtl.Abstractions;

/// <summary>A report file handed to a parser, with the host's services for reading it.</summary>
public abstract class ReportFile
{
    /// <summary>Full path of the file.</summary>
    public abstract string Path { get; }

    /// <summary>File name without folder, as used in messages.</summary>
    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>The first sheet of an .xlsx, .xls or .csv as rows of cells (string, double, DateTime, bool or null).</summary>
    public abstract IDataReader OpenSheet();

    /// <summary>Every sheet of the workbook in order (a .csv is one sheet), each read before the next is opened.</summary>
    public abstract IEnumerable<Sheet> OpenSheets();

    /// <summary>Records a row that cannot be read; the host counts it against the run's <c>--max-rejects</c>.</summary>
    public abstract void Reject(RowReject reject);
}

/// <summary>One sheet of a workbook: its name and its rows.</summary>
public sealed record Sheet(string Name, IDataReader Rows);
