namespace CrmEtl.Abstractions.Reports;

/// <summary>An <see cref="IReportParser"/> for any report described by a <see cref="ReportLayout"/>.</summary>
public sealed class LayoutReportParser(ReportLayout layout) : IReportParser
{
    /// <inheritdoc />
    public IReadOnlyList<StagingColumn> Columns { get; } =
        layout.Columns.Select(c => new StagingColumn(c.StagingName, c.Kind)
        {
            InRowHash = c.InRowHash,
            IsKey = ReportLayout.SameHeader(layout.KeyHeader, c.Header),
            IsOrderDate = layout.OrderDateHeader is { } date && ReportLayout.SameHeader(date, c.Header),
        }).ToArray();

    /// <inheritdoc />
    public IReportReader Open(ReportFile file) => new SheetReportReader(file, layout);
}
