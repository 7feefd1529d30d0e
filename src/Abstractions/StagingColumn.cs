namespace CrmEtl.Abstractions;

/// <summary>A staging table column a reader fills.</summary>
public sealed record StagingColumn(string Name, CellKind Kind)
{
    /// <summary>
    /// Whether the column counts in the row's hash (<c>row_hash</c>), by which an unchanged row is recognised.
    /// False for a value that is only the row's position in the file (a serial number).
    /// </summary>
    public bool InRowHash { get; init; } = true;

    /// <summary>
    /// Whether the column is (part of) the row's key in the file: of rows repeating a key, the last wins (or the
    /// one with the latest <see cref="IsVersion"/> value), and the host hands the models one row per key.
    /// </summary>
    public bool IsKey { get; init; }

    /// <summary>Whether the column dates the row (the days a file covers are its smallest and largest value).</summary>
    public bool IsDate { get; init; }

    /// <summary>Whether the column is the row's version (a later value wins over an earlier one, whatever the order).</summary>
    public bool IsVersion { get; init; }
}
