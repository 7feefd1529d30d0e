namespace CrmEtl.Host.Ingestion;

/// <summary>Where a load reports how far it is, for an operator watching a long import.</summary>
internal interface IIngestProgress
{
    /// <summary>Rows read from the file so far (called every few thousand rows).</summary>
    void RowsRead(long rows);

    /// <summary>The load moved on to another step (modelling, checking, committing).</summary>
    void Step(string step);
}
