namespace CrmEtl.Host.Models;

/// <summary>The run a batch belongs to, as the models, checks and rejects see it.</summary>
/// <param name="RunId">Its ingest_audit row (null for a batch re-run that has none).</param>
/// <param name="BatchId">Its load_batch_id.</param>
/// <param name="Crm">The plugin's key.</param>
/// <param name="Dataset">The dataset's name.</param>
/// <param name="File">The file's name, when it came from one.</param>
/// <param name="From">The first day the run covers, when known (crm_etl_window_from()).</param>
/// <param name="To">The last day the run covers, when known (crm_etl_window_to()).</param>
/// <param name="Replay">Whether the batch is run again (transform): the models' rejects of its run are recorded anew.</param>
internal sealed record BatchContext(long? RunId, long BatchId, string Crm, string Dataset, string? File, DateOnly? From, DateOnly? To, bool Replay = false)
{
    /// <summary>The rows staged for it, when the load knows (the batch view is planned by it).</summary>
    public long? Staged { get; init; }

    /// <summary>The store code of the load (crm_etl_store()), for a source with stores.</summary>
    public string? StoreCode { get; init; }

    /// <summary>Whether the batch is a whole file of its window (crm_etl_complete_file()): never for a replay.</summary>
    public bool CompleteFile { get; init; }

    /// <summary>The row hashes of the file's rows left out of staging as unchanged (batch_left_out), when any.</summary>
    public IReadOnlyList<UInt128>? LeftOut { get; init; }
}
