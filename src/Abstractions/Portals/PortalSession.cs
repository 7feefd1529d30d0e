using Microsoft.Playwright;

namespace CrmEtl.Abstractions.Portals;

/// <summary>Everything a portal flow gets from the host for one store.</summary>
/// <param name="Context">A browser context loaded with the store's storage state.</param>
/// <param name="Store">The store.</param>
/// <param name="Urls">Base URLs by name from configuration (TumbleDry: subs, reports; UClean: store).</param>
/// <param name="Timeouts">How long steps may take.</param>
/// <param name="Log">Progress lines for the operator's log (never secrets).</param>
public sealed record PortalSession(
    IBrowserContext Context,
    PortalStore Store,
    IReadOnlyDictionary<string, string> Urls,
    PortalTimeouts Timeouts,
    Action<string> Log)
{
    /// <summary>
    /// The storage state (Playwright's JSON) the context was loaded from, when the host has it. Reading a saved
    /// value here costs nothing; asking the context for its storage state opens a page per origin.
    /// </summary>
    public string? SavedState { get; init; }

    /// <summary>The value the saved session holds in local storage under <paramref name="name"/> for the origin of
    /// <paramref name="url"/>; null when there is none or no saved state.</summary>
    public string? SavedLocalStorage(string url, string name) => SavedState is null ? null : LocalStorageItem(SavedState, url, name);

    /// <summary>
    /// The value a Playwright storage state (<c>{"cookies": [...], "origins": [{"origin", "localStorage": [{"name",
    /// "value"}]}]}</c>) holds in local storage under <paramref name="name"/> for the origin of <paramref name="url"/>.
    /// </summary>
    public static string? LocalStorageItem(string state, string url, string name)
    {
        var origin = new Uri(url).GetLeftPart(UriPartial.Authority);
        using var json = System.Text.Json.JsonDocument.Parse(state);
        if (!json.RootElement.TryGetProperty("origins", out var origins)) return null;
        foreach (var o in origins.EnumerateArray())
        {
            if (!string.Equals(o.GetProperty("origin").GetString(), origin, StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var item in o.GetProperty("localStorage").EnumerateArray())
                if (item.GetProperty("name").GetString() == name) return item.GetProperty("value").GetString();
        }
        return null;
    }

    /// <summary>A configured base URL, without a trailing slash.</summary>
    public string Url(string name) => Urls.TryGetValue(name, out var url)
        ? url.TrimEnd('/')
        : throw new PortalException(PortalFailure.Changed, "configuration", $"no base URL '{name}' configured for {Store.Crm}");
}

/// <summary>A store as the portal knows it.</summary>
/// <param name="Crm">Plugin key.</param>
/// <param name="Id">The --store id (a668, sector56).</param>
/// <param name="Code">The portal's code (a668, UC567).</param>
/// <param name="Name">Display name.</param>
/// <param name="ExportMode">Store-specific flow variant from configuration (UClean: export-report or generateGST).</param>
public sealed record PortalStore(string Crm, string Id, string Code, string Name, string? ExportMode);

/// <summary>Step time limits. Defaults suit the real portals.</summary>
public sealed record PortalTimeouts
{
    /// <summary>A page load or an API call. Default 30 s.</summary>
    public TimeSpan Navigation { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A report being prepared until its file arrives. Default 120 s.</summary>
    public TimeSpan Report { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>A person finishing a headed login. Default 10 min.</summary>
    public TimeSpan Login { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>Credentials for a scripted login (sandbox, demo, tests); a person types them otherwise.</summary>
/// <param name="User">User id or e-mail.</param>
/// <param name="Password">Password.</param>
/// <param name="Pin">Branch pin where the portal asks for one (TumbleDry: the store code).</param>
/// <param name="Otp">Asked for the one-time password when the portal wants one.</param>
public sealed record PortalCredentials(string User, string Password, string? Pin, Func<CancellationToken, Task<string>> Otp)
{
    /// <summary>Never print the password.</summary>
    public override string ToString() => $"PortalCredentials {{ User = {User} }}";
}
