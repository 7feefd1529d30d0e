using CrmEtl.Host.Plugins;

namespace CrmEtl.Host.Ingestion;

/// <summary>One file to ingest for one store.</summary>
internal sealed record IngestRequest(
    LoadedPlugin Plugin,
    Store Store,
    string FilePath,
    DateOnly? From,
    DateOnly? To,
    Guid InvocationId,
    bool DryRun = false,
    long? LedgerId = null);
