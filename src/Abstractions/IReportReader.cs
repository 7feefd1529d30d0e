namespace CrmEtl.Abstractions;

/// <summary>
/// A forward-only reader over the data rows of one report; rows are never all held in memory. A file that cannot be
/// read is a <see cref="ReportFormatException"/> naming the row and column; a single row that cannot be read is
/// either that too (an all-or-nothing dataset) or handed to <see cref="ReportFile.Reject"/> and passed over.
/// </summary>
public interface IReportReader : IDisposable
{
    /// <summary>Advances to the next data row (footer, blank and total rows are consumed, not returned).</summary>
    bool Read();

    /// <summary>Values of the current row, one per <see cref="IReportParser.Columns"/> entry. Reused between rows.</summary>
    IReadOnlyList<object?> Values { get; }

    /// <summary>1-based row number of the current row in its sheet, for lineage and error messages.</summary>
    long RowNumber { get; }

    /// <summary>The current row's sheet, when a reader reads more than one; otherwise null.</summary>
    string? Sheet => null;

    /// <summary>JSON object of the current row's cells under headers the parser does not know, or null.</summary>
    string? ExtraColumnsJson { get; }

    /// <summary>Called after <see cref="Read"/> returned false: checks footers (Total sums, record counts).</summary>
    ReportSummary Complete();
}
