using CrmEtl.Host.Models;

namespace CrmEtl.Host.Ingestion;

/// <summary>What became of one run (a file, or one scope of a pull): the status, the counts and, on failure, the step and the error.</summary>
internal sealed record IngestOutcome(
    string Crm,
    string? Store,
    string File,
    string? Md5,
    string Status,
    string? Error = null)
{
    public const string Succeeded = "succeeded";
    public const string Duplicate = "duplicate";
    public const string NoData = "no_data";
    public const string Failed = "failed";

    public string Dataset { get; init; } = "";

    /// <summary>A pull's scope (instance/doctype, entity); null for files.</summary>
    public string? Scope { get; init; }

    /// <summary>Data rows read from the file (or records pulled).</summary>
    public long RowsRead { get; init; }

    /// <summary>Of them, the rows staged: a big file leaves out the rows already loaded as they are.</summary>
    public long RowsStaged { get; init; }

    public long Rejected { get; init; }

    /// <summary>What the run did to each table it wrote.</summary>
    public IReadOnlyList<TableCounts> Tables { get; init; } = [];

    public long Inserted => Tables.Sum(t => t.Inserted);

    public long Updated => Tables.Sum(t => t.Updated);

    public long Unchanged => Tables.Sum(t => t.Unchanged);

    /// <summary>Warnings: checks that found rows, sheets passed over.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public long? RunId { get; init; }

    public long? BatchId { get; init; }

    public string? ErrorStep { get; init; }

    public DateOnly? From { get; init; }

    public DateOnly? To { get; init; }

    /// <summary>Whether it was a dry run (everything rolled back).</summary>
    public bool DryRun { get; init; }

    /// <summary>Succeeded, a duplicate or no data: nothing for anyone to do.</summary>
    public bool IsOk => Status is Succeeded or Duplicate or NoData;

    public bool IsFailure => !IsOk;
}
