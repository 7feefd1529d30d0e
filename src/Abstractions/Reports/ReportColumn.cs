namespace CrmEtl.Abstractions.Reports;

/// <summary>One column of a report's header contract.</summary>
/// <param name="Header">Exact header text in the file (matched trimmed, case-insensitively, spaces folded).</param>
/// <param name="StagingName">Staging table column it is copied into.</param>
/// <param name="Kind">How the cell is read.</param>
/// <param name="Required">A data row with this cell blank fails the file.</param>
public sealed record ReportColumn(string Header, string StagingName, CellKind Kind, bool Required = false)
{
    /// <inheritdoc cref="StagingColumn.InRowHash" />
    public bool InRowHash { get; init; } = true;
}
