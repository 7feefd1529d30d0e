using CrmEtl.Host.Config;

namespace CrmEtl.Host.Downloads;

/// <summary>What one `download` run does: which stores, which days, how.</summary>
/// <param name="From">A day, or null for `auto` (per store, from its history).</param>
/// <param name="Report">One of the plugins' reports (datasets) only; null: every report a store's portal gives.</param>
internal sealed record DownloadPlan(
    IReadOnlyList<StoreConfig> Stores,
    DateOnly? From,
    DateOnly To,
    bool Headless,
    bool KeepFiles,
    int Parallel,
    string? Report = null);
