namespace CrmEtl.Abstractions;

/// <summary>A staging table column filled by a parser.</summary>
public sealed record StagingColumn(string Name, CellKind Kind)
{
    /// <summary>
    /// Whether the column counts in the row's hash (<c>row_hash</c>), by which an unchanged order is
    /// recognised. False for a value that is only the row's position in the file (a serial number).
    /// </summary>
    public bool InRowHash { get; init; } = true;
}
