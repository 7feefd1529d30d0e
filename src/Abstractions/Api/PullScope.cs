namespace CrmEtl.Abstractions.Api;

/// <summary>One scope of a pull (e.g. <c>site1/Sales Invoice</c>): one run, one cursor.</summary>
/// <param name="Name">The scope's name in ingest_audit, source_cursors and the log.</param>
public sealed record PullScope(string Name)
{
    /// <summary>Why the scope cannot be pulled (found while listing the scopes), or null.</summary>
    public string? Error { get; init; }
}
