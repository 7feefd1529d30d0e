using CrmEtl.Host.Cli;
using CrmEtl.Host.Logging;

namespace CrmEtl.Host.Commands;

/// <summary>
/// Kept and failed downloads and the logs older than housekeeping.keepDays go (to housekeeping.archiveFolder
/// when set). The ledger keeps its record of every file. The scheduled run calls this after downloading.
/// </summary>
internal static class HousekeepCommand
{
    public static int Run(HostContext host, HousekeepOptions options)
    {
        var keep = host.Config.Housekeeping;
        var cutoff = DateTime.UtcNow.AddDays(-keep.KeepDays);
        var archive = keep.ArchiveFolder is { Length: > 0 } a ? host.Config.Resolve(a) : null;
        var moved = 0;
        foreach (var folder in new[] { host.Config.Download.Folder!, host.Paths.Logs })
        {
            if (!Directory.Exists(folder)) continue;
            foreach (var file in Directory.GetFiles(folder))
            {
                if (File.GetLastWriteTimeUtc(file) >= cutoff) continue;
                if (options.DryRun) Console.WriteLine($"would {(archive is null ? "remove" : "move")} {file} ({File.GetLastWriteTimeUtc(file):yyyy-MM-dd})");
                else if (archive is null) File.Delete(file);
                else
                {
                    var target = Path.Combine(archive, Path.GetFileName(folder), Path.GetFileName(file));
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.Move(file, target, overwrite: true);
                }
                moved++;
            }
        }
        var what = archive is null ? "removed" : $"moved to {archive}";
        if (options.DryRun)
        {
            Console.WriteLine($"housekeeping (dry run): {moved} file(s) older than {keep.KeepDays} days would be {what}; nothing changed");
            return 0;
        }
        Log.Info("host", "housekeep", $"{moved} file(s) older than {keep.KeepDays} days {what}");
        Console.WriteLine($"housekeeping: {moved} file(s) older than {keep.KeepDays} days {what}");
        return 0;
    }
}
