using CrmEtl.Abstractions;
using CrmEtl.Host.Plugins;

namespace CrmEtl.Host.Ingestion;

/// <summary>One file to ingest into one dataset of a plugin (for one store, when the source has stores).</summary>
/// <param name="From">The first day the file covers, when known (else the earliest date in it).</param>
/// <param name="To">The last day the file covers, when known (else the latest date in it).</param>
/// <param name="LedgerId">The download's ledger row, for a downloaded file; null: one is added (origin 'ingest').</param>
/// <param name="MaxRejects">More rejected rows than this fail the run, changing nothing.</param>
internal sealed record IngestRequest(
    LoadedPlugin Plugin,
    Dataset Dataset,
    Store? Store,
    string FilePath,
    DateOnly? From,
    DateOnly? To,
    Guid InvocationId,
    bool DryRun = false,
    long? LedgerId = null,
    int MaxRejects = IngestRequest.DefaultMaxRejects,
    IIngestProgress? Progress = null)
{
    public const int DefaultMaxRejects = 100;

    /// <summary>The run's scope in the log: crm/store, or crm/dataset for a source without stores.</summary>
    public string Scope => $"{Plugin.Info.Crm}/{Store?.Id ?? Dataset.Name}";
}
