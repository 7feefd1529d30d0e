namespace CrmEtl.Abstractions;

/// <summary>Identity of a source, as the command line, the run records and the SQL see it.</summary>
/// <param name="Crm">The key on the command line (<c>--crm</c>), lower case: <c>td</c>, <c>salespro</c>.</param>
/// <param name="DisplayName">Human name, e.g. <c>TumbleDry</c>.</param>
public sealed record SourceInfo(string Crm, string DisplayName)
{
    /// <summary>Written into every staged row's <c>source_system</c> (and by order sources into <c>orders</c>): <c>TD</c>.</summary>
    public required string SourceSystem { get; init; }

    /// <summary>Whether each run is for one store (<c>--store</c>), as for the CRMs; false for a source that has none.</summary>
    public bool HasStores { get; init; }
}
