namespace CrmEtl.Abstractions;

/// <summary>What the reader saw besides data rows.</summary>
/// <param name="DataRows">Rows returned by <see cref="IReportReader.Read"/>.</param>
/// <param name="SkippedRows">Non-blank rows that were not data (no key) and not footers.</param>
/// <param name="TotalRowChecked">True when a Total row's sums were compared with the loaded rows.</param>
public sealed record ReportSummary(long DataRows, long SkippedRows, bool TotalRowChecked)
{
    /// <summary>Sheets passed over (with why), for a reader of every sheet.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
