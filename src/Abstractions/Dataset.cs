using CrmEtl.Abstractions.Api;
using CrmEtl.Abstractions.Reports;

namespace CrmEtl.Abstractions;

/// <summary>
/// One kind of input of a source and where it lands: rows read from a report file (by a <see cref="Layout"/> the host
/// reads against, or by the plugin's own <see cref="Parser"/>) or pulled from an API (<see cref="Api"/>), copied into
/// <see cref="StagingTable"/> and turned into the source's tables by the SQL models in the plugin's
/// <c>sql/models/&lt;Name&gt;/</c>. Exactly one of the three is set.
/// </summary>
public sealed class Dataset
{
    /// <summary>The dataset's name: its models' folder, and <c>--report</c> on the command line.</summary>
    public required string Name { get; init; }

    /// <summary>The staging table (made by the plugin's migrations, with the lineage columns) its rows are copied into.</summary>
    public required string StagingTable { get; init; }

    /// <summary>A report the host reads: its columns, key, footers.</summary>
    public ReportLayout? Layout { get; init; }

    /// <summary>Or a report the plugin reads itself (any file: every sheet of a workbook, a CSV).</summary>
    public IReportParser? Parser { get; init; }

    /// <summary>Or rows pulled from an HTTP API, scope by scope, from a cursor the host keeps.</summary>
    public IApiSource? Api { get; init; }

    /// <summary>The report's type in canonical file names and portal downloads, e.g. <c>OrderReport</c>; null if none.</summary>
    public string? ReportType { get; init; }

    /// <summary>
    /// Whether one unreadable row fails the whole file (the order reports, whose Total row must reconcile). Otherwise
    /// such a row is rejected (recorded in <c>ingest_rejects</c> with its row and column) and the rest loads.
    /// </summary>
    public bool AllOrNothing { get; init; }

    /// <summary>What each row fills, in order (the lineage columns are the host's).</summary>
    public IReadOnlyList<StagingColumn> Columns =>
        Parser?.Columns ?? Api?.Columns ?? Layout?.StagingColumns()
        ?? throw new InvalidOperationException($"dataset '{Name}' has no layout, parser or API");
}
