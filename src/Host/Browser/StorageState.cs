using System.Text.Json.Nodes;

namespace CrmEtl.Host.Browser;

/// <summary>Trims a Playwright storage state to what a portal needs.</summary>
internal static class StorageState
{
    /// <summary>
    /// The state with the local storage of only the origins of <paramref name="urls"/> (the portal's addresses),
    /// and how many other origins it dropped. Playwright restores a saved origin by loading a page of it when
    /// a context opens, so origins a portal no longer uses (it moved host or port) slow every later start.
    /// Without any address the state is returned as it is.
    /// </summary>
    public static (string State, int Dropped) KeepOrigins(string state, IEnumerable<string> urls)
    {
        var keep = urls.Select(u => new Uri(u).GetLeftPart(UriPartial.Authority)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (keep.Count == 0) return (state, 0);
        var json = JsonNode.Parse(state)!.AsObject();
        if (json["origins"] is not JsonArray origins) return (state, 0);
        var stale = origins.Where(o => !keep.Contains(o?["origin"]?.GetValue<string>() ?? "")).ToList();
        if (stale.Count == 0) return (state, 0);
        foreach (var origin in stale) origins.Remove(origin);
        return (json.ToJsonString(), stale.Count);
    }
}
