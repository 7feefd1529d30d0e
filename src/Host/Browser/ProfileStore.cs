using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CrmEtl.Abstractions.Portals;
using CrmEtl.Host.Logging;
using Microsoft.Playwright;

namespace CrmEtl.Host.Browser;

/// <summary>Storage state files are credentials: written atomically, readable by the owner only (0600).</summary>
internal static class ProfileStore
{
    private static readonly JsonSerializerOptions CookieJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>
    /// A saved session without the local storage of origins that are not the portal's addresses (<paramref name="urls"/>);
    /// a download saves it back so.
    /// </summary>
    public static async Task<string> LoadAsync(string path, IEnumerable<string> urls, string scope, CancellationToken ct)
    {
        var (state, dropped) = StorageState.KeepOrigins(await File.ReadAllTextAsync(path, ct), urls);
        if (dropped > 0) Log.Info(scope, "session.pruned", $"dropped the saved local storage of {dropped} origins that are not the portal's addresses");
        return state;
    }

    /// <summary>
    /// Saves the context's session over the file it was loaded from (<paramref name="loaded"/>). Where no page was
    /// opened, local storage cannot have changed and only the cookies are read; Playwright's full storage state
    /// opens a page per origin to read local storage (about 0.4 s a store here).
    /// </summary>
    public static async Task SaveAsync(IBrowserContext context, string path, string loaded, bool pagesOpened, CancellationToken ct)
    {
        if (pagesOpened)
        {
            await SaveAsync(context, path, ct);
            return;
        }
        var state = JsonNode.Parse(loaded)!.AsObject();
        state["cookies"] = JsonSerializer.SerializeToNode(await context.CookiesAsync(), CookieJson);
        await WriteAsync(path, state.ToJsonString(), ct);
    }

    public static async Task SaveAsync(IBrowserContext context, string path, CancellationToken ct) =>
        await WriteAsync(path, await context.StorageStateAsync(), ct);

    private static async Task WriteAsync(string path, string state, CancellationToken ct)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var stream = new FileStream(temp, options))
        await using (var writer = new StreamWriter(stream))
            await writer.WriteAsync(state.AsMemory(), ct);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: true);
    }
}
