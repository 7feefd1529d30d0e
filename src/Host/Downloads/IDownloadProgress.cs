namespace CrmEtl.Host.Downloads;

/// <summary>Where a download run reports each store's windows, for an operator watching a backfill of months.</summary>
internal interface IDownloadProgress
{
    /// <summary>The store's windows (a window's reports count once each) are planned.</summary>
    void Planned(string store, int windows);

    /// <summary>One more of them is downloaded and ingested, with its status.</summary>
    void WindowDone(string store, string status);

    /// <summary>The store is done; <paramref name="failure"/> says what stopped it early, if anything did.</summary>
    void StoreEnded(string store, string? failure);
}
