namespace CrmEtl.Abstractions.Reports;

/// <summary>One column of a report's header contract.</summary>
/// <param name="Header">Header text in the file (matched trimmed, case-insensitively, white space folded).</param>
/// <param name="StagingName">Staging table column it is copied into.</param>
/// <param name="Kind">How the cell is read.</param>
/// <param name="Required">A data row with this cell blank is not readable: it fails the file, or is rejected.</param>
public sealed record ReportColumn(string Header, string StagingName, CellKind Kind, bool Required = false)
{
    /// <inheritdoc cref="StagingColumn.InRowHash" />
    public bool InRowHash { get; init; } = true;

    /// <summary>
    /// Whether a file may lack this column (an export set up with fewer columns): its cells are then blank and the
    /// load logs that it was missing. Otherwise a file without it fails, naming it.
    /// </summary>
    public bool Optional { get; init; }
}
