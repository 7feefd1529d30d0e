using System.Runtime.InteropServices;

namespace CrmEtl.Host;

/// <summary>
/// Everything the tool writes (logs, kept reports, sessions, pending records) is its user's alone: the process's
/// umask is 077, so files are made 0600 and folders 0700 whatever the caller's umask. The embedded cluster's own
/// user is let through the folders it must pass (EmbeddedCluster).
/// </summary>
internal static partial class PrivateFiles
{
    public static void Apply()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) _ = Umask(0b000_111_111);
    }

    /// <summary>Lets other users pass through a folder (execute only: they cannot list or read it).</summary>
    public static void AllowPassage(string folder)
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(folder)) return;
        File.SetUnixFileMode(folder, File.GetUnixFileMode(folder) | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
    }

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint Umask(uint mask);
}
