using System.Text.Json;

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
}
