namespace CrmEtl.Abstractions;

/// <summary>Identity of a source, as the host and the SQL transforms see it.</summary>
/// <param name="Crm">CLI key, lower case: <c>td</c>, <c>uc</c>, <c>manual</c>.</param>
/// <param name="SourceSystem">Value of <c>orders.source_system</c>: <c>TD</c>, <c>UC</c>, <c>MANUAL</c>.</param>
/// <param name="DisplayName">Human name, e.g. <c>TumbleDry</c>.</param>
/// <param name="ReportType">Report type used in canonical file names, e.g. <c>OrderReport</c>.</param>
/// <param name="StagingTable">Staging table the parsed rows are copied into.</param>
/// <param name="TransformFolder">Folder under <c>sql/transforms</c> holding this source's transforms.</param>
public sealed record SourceInfo(
    string Crm,
    string SourceSystem,
    string DisplayName,
    string ReportType,
    string StagingTable,
    string TransformFolder);
