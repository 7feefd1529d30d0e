using System.Text.Json;
using System.Text.Json.Nodes;

namespace CrmEtl.Abstractions.Portals;

/// <summary>Reads Playwright storage state JSON (<c>{"cookies": [...], "origins": [{"origin", "localStorage": [{"name", "value"}]}]}</c>).</summary>
public static class StorageState
{
    /// <summary>The local storage value <paramref name="name"/> of the origin of <paramref name="url"/>, or null.</summary>
    public static string? LocalStorageItem(string state, string url, string name)
    {
        var origin = new Uri(url).GetLeftPart(UriPartial.Authority);
        using var json = JsonDocument.Parse(state);
        if (!json.RootElement.TryGetProperty("origins", out var origins)) return null;
        foreach (var o in origins.EnumerateArray())
        {
            if (!string.Equals(o.GetProperty("origin").GetString(), origin, StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var item in o.GetProperty("localStorage").EnumerateArray())
                if (item.GetProperty("name").GetString() == name) return item.GetProperty("value").GetString();
        }
        return null;
    }

    /// <summary>
    /// The state with the local storage of only the origins of <paramref name="urls"/> (the portal's addresses),
    /// and how many other origins it dropped. Playwright restores a saved origin by loading a page of it when
    /// a context opens, so origins a portal no longer uses (it moved host or port) cost every later run time:
    /// 27 of them made a store's start 1.5-3 s slower. Without any address the state is returned as it is.
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
