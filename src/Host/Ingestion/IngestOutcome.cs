namespace CrmEtl.Host.Ingestion;

/// <summary>What became of one file: the status, the counts and, on failure, the step and the error.</summary>
internal sealed record IngestOutcome(
    string Crm,
    string Store,
    string File,
    string? Md5,
    string Status,
    long RowsStaged = 0,
    long Inserted = 0,
    long Updated = 0,
    long Unchanged = 0,
    string? Error = null)
{
    public const string Succeeded = "succeeded";
    public const string Duplicate = "duplicate";
    public const string NoData = "no_data";
    public const string Failed = "failed";
    public const string Skipped = "skipped";

    /// <summary>Data rows read from the file; <see cref="RowsStaged"/> leaves out those orders already held as they are.</summary>
    public long RowsRead { get; init; }

    public long? RunId { get; init; }

    public string? ErrorStep { get; init; }

    public DateOnly? From { get; init; }

    public DateOnly? To { get; init; }

    /// <summary>For downloads: session_expired, blocked, portal_unavailable, portal_changed, timeout, or ingest_failed.</summary>
    public string? FailureKind { get; init; }

    /// <summary>Succeeded, a duplicate, no data, or left to a run already busy with it: nothing for anyone to do.</summary>
    public bool IsOk => Status is Succeeded or Duplicate or NoData or Skipped;

    public bool IsFailure => !IsOk;
}
