using System.Text;
using CrmEtl.Abstractions.Portals;
using Microsoft.Playwright;

namespace CrmEtl.PluginKit;

/// <summary>Checks every portal flow needs: page loads that fail cleanly, HTML where a file was expected.</summary>
public static class PortalChecks
{
    /// <summary>Opens a URL; a network error or a 5xx is <see cref="PortalFailure.Unavailable"/>.</summary>
    public static async Task<IResponse?> GotoAsync(IPage page, string url, string step, PortalTimeouts timeouts)
    {
        IResponse? response;
        try
        {
            response = await page.GotoAsync(url, new() { Timeout = (float)timeouts.Navigation.TotalMilliseconds, WaitUntil = WaitUntilState.DOMContentLoaded });
        }
        catch (PlaywrightException e)
        {
            throw new PortalException(PortalFailure.Unavailable, step, $"{step}: cannot load {Strip(url)} ({FirstLine(e.Message)})", e);
        }
        if (response is { Status: >= 500 })
            throw new PortalException(PortalFailure.Unavailable, step, $"{step}: {Strip(url)} answered {response.Status}");
        return response;
    }

    /// <summary>
    /// Refuses a "report" that is a web page: the portal's login page means the session expired, any other
    /// page is a portal error. Never lets such a file reach ingestion.
    /// </summary>
    public static void RefuseHtml(ReadOnlySpan<byte> head, string step, params string[] loginMarkers)
    {
        var text = Encoding.UTF8.GetString(head[..Math.Min(head.Length, 4096)]).TrimStart('\uFEFF', ' ', '\r', '\n', '\t');
        if (!text.StartsWith('<')) return;
        if (loginMarkers.Any(m => text.Contains(m, StringComparison.OrdinalIgnoreCase)))
            throw new PortalException(PortalFailure.SessionExpired, step, $"{step}: the portal answered its login page instead of the report (session expired)");
        throw new PortalException(PortalFailure.Unavailable, step, $"{step}: the portal answered a web page instead of the report");
    }

    /// <summary>Writes a file so that no reader ever sees half of it.</summary>
    public static async Task WriteAtomicallyAsync(string path, byte[] content, CancellationToken ct)
    {
        var temp = path + ".part";
        await File.WriteAllBytesAsync(temp, content, ct);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>A URL without its query string (tokens live there), for messages.</summary>
    public static string Strip(string url) => url.Split('?')[0];

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
