namespace CrmEtl.Abstractions.Portals;

/// <summary>
/// A CRM's web portal, driven through a browser context the host creates from the store's saved storage
/// state. Failures are <see cref="PortalException"/>s saying what kind they are.
/// </summary>
public interface IPortal
{
    /// <summary>
    /// Logs in on the given page (a headed browser for a person, or a scripted one when
    /// <paramref name="credentials"/> are given) and returns when the session is established; the host then
    /// saves the context's storage state.
    /// </summary>
    Task LoginAsync(PortalSession session, PortalCredentials? credentials, CancellationToken ct);

    /// <summary>Downloads the store's report of <paramref name="report"/> (one of the plugin's datasets) for a window to <paramref name="targetPath"/>.</summary>
    Task DownloadAsync(PortalSession session, Dataset report, DateOnly from, DateOnly to, string targetPath, CancellationToken ct);
}
