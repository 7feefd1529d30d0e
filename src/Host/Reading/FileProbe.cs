using System.Diagnostics;
using System.Globalization;
using CrmEtl.Abstractions;

namespace CrmEtl.Host.Reading;

/// <summary>
/// What stat(1) says of a path, following symbolic links: its type, size, modification and change times (ns) and
/// inode. .NET says neither a file's type (a FIFO, /dev/zero) nor its change time, which no copy tool can set back.
/// </summary>
internal sealed record FileProbe(string Type, long Size, string Modified, string Changed, string Inode)
{
    public bool IsRegular => Type is "regular file" or "regular empty file";

    /// <summary>The file as it is now; null when nothing is there.</summary>
    public static FileProbe? Stat(string path)
    {
        var psi = new ProcessStartInfo("stat", ["-L", "-c", "%F|%s|%.9Y|%.9Z|%i", "--", path])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) return null;
        var parts = output.Split('|');
        return new FileProbe(parts[0], long.Parse(parts[1], CultureInfo.InvariantCulture), parts[2], parts[3], parts[4]);
    }

    /// <summary>
    /// Refuses, by name and before opening it, what is not a report file: nothing there, a directory, a device
    /// (/dev/zero), a FIFO (reading it never ends), an empty file; a symbolic link is judged by what it points to.
    /// </summary>
    public static FileProbe RequireRegularFile(string path)
    {
        var name = Path.GetFileName(path);
        var probe = Stat(path) ?? throw new FileNotFoundException($"{path}: file not found");
        if (probe.Type == "directory") throw new ReportFormatException(name, null, null, "is a directory, not a file");
        if (!probe.IsRegular) throw new ReportFormatException(name, null, null, $"is a {probe.Type}, not a regular file");
        if (probe.Size == 0) throw new ReportFormatException(name, null, null, "is empty (0 bytes)");
        return probe;
    }
}
