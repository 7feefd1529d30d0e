namespace CrmEtl.Abstractions;

/// <summary>A row that could not be loaded, and why; kept in <c>ingest_rejects</c>.</summary>
/// <param name="Row">1-based row number in its sheet or file (or the record's position in a pull).</param>
/// <param name="Sheet">The sheet, when the file has several.</param>
/// <param name="Column">The column at fault, when one is.</param>
/// <param name="Value">The raw value at fault, as written.</param>
/// <param name="Reason">What is wrong, for a person: "'abc' is not an amount".</param>
public sealed record RowReject(long Row, string? Sheet, string? Column, string? Value, string Reason);
