using Microsoft.Playwright;

namespace CrmEtl.Host.Browser;

/// <summary>Storage state files are credentials: written atomically, readable by the owner only (0600).</summary>
internal static class ProfileStore
{
    public static async Task SaveAsync(IBrowserContext context, string path, CancellationToken ct)
    {
        var state = await context.StorageStateAsync();
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
