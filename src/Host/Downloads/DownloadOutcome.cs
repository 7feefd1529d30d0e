using CrmEtl.Host.Ingestion;

namespace CrmEtl.Host.Downloads;

/// <summary>
/// What became of one report of one store for one window: downloaded and ingested (the ingestion's outcome, with its
/// status), or not downloaded (session_expired, blocked, portal_unavailable, portal_changed, timeout, failed, skipped).
/// </summary>
internal sealed record DownloadOutcome(string Crm, string Store, string Dataset, DateOnly From, DateOnly To, string File,
    string Status, string? FailureKind = null, string? Error = null, IngestOutcome? Ingest = null)
{
    public const string Skipped = "skipped";

    /// <summary>The file came and was ingested (whatever the ingestion's status).</summary>
    public static DownloadOutcome Ingested(Store store, string dataset, DateOnly from, DateOnly to, IngestOutcome ingest) =>
        new(store.Crm, store.Id, dataset, from, to, ingest.File, ingest.Status, ingest.IsFailure ? "ingest_failed" : null, ingest.Error, ingest);

    /// <summary>Succeeded, a duplicate, no data, or left to a run already busy with it: nothing for anyone to do.</summary>
    public bool IsOk => Status is IngestOutcome.Succeeded or IngestOutcome.Duplicate or IngestOutcome.NoData or Skipped;
}
