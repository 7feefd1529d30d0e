using CrmEtl.Abstractions;
using CrmEtl.Abstractions.Reports;

namespace CrmEtl.Host.Reading;

/// <summary>The host's <see cref="IReportParser"/> for a dataset that declares a <see cref="ReportLayout"/>.</summary>
internal sealed class LayoutReportParser(ReportLayout layout, bool allOrNothing) : IReportParser
{
    public IReadOnlyList<StagingColumn> Columns { get; } = layout.StagingColumns();

    public IReportReader Open(ReportFile file) => new SheetReportReader(file, layout, allOrNothing);
}
