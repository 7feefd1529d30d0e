namespace CrmEtl.Abstractions;

/// <summary>A staging table column filled by a parser.</summary>
public sealed record StagingColumn(string Name, CellKind Kind)
{
    /// <summary>
    /// Whether the column counts in the row's hash (<c>row_hash</c>), by which an unchanged order is
    /// recognised. False for a value that is only the row's position in the file (a serial number).
    /// </summary>
    public bool InRowHash { get; init; } = true;

    /// <summary>Whether the column is the order's key in the file (a row repeating a key repeats the order).</summary>
    public bool IsKey { get; init; }

    /// <summary>
    /// Whether the column dates the order (a <see cref="CellKind.DateTime"/> column). A parser that marks a key and a
    /// date lets the host leave out of staging the rows that orders already holds unchanged, and still count them and
    /// their days.
    /// </summary>
    public bool IsOrderDate { get; init; }
}
