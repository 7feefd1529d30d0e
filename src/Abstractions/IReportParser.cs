namespace CrmEtl.Abstractions;

/// <summary>Turns one report file into a stream of typed staging rows.</summary>
public interface IReportParser
{
    /// <summary>The staging columns every row fills, in order (lineage columns are added by the host).</summary>
    IReadOnlyList<StagingColumn> Columns { get; }

    /// <summary>Opens a file for reading. Throws <see cref="ReportFormatException"/> when it cannot be read at all.</summary>
    IReportReader Open(ReportFile file);
}
