namespace CrmEtl.Abstractions;

/// <summary>A staging table column filled by a parser.</summary>
public sealed record StagingColumn(string Name, CellKind Kind);
