namespace CrmEtl.Host.Browser;

/// <summary>
/// Every browser the host starts carries <c>--crm-etl-owner=&lt;host pid&gt;/&lt;crm&gt;/&lt;store&gt;</c> on its command line, so
/// the watchdog can end exactly one store's browser, and any run can end browsers whose host has died.
/// </summary>
internal static class BrowserReaper
{
    public const string Flag = "--crm-etl-owner=";

    public static string Owner(string crm, string store) => $"{Environment.ProcessId}/{crm}/{store}";

    /// <summary>Kills the processes carrying this owner tag; returns how many.</summary>
    public static int Kill(string owner) => KillWhere(tag => tag == owner);

    /// <summary>Kills browsers left by hosts that no longer run (e.g. killed with SIGKILL).</summary>
    public static int KillOrphans() => KillWhere(tag =>
        int.TryParse(tag.Split('/')[0], out var pid) && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"));

    private static int KillWhere(Func<string, bool> match)
    {
        if (!Directory.Exists("/proc")) return 0;
        var killed = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string cmdline;
            try
            {
                cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
            }
            catch (IOException)
            {
                continue; // gone meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            var at = cmdline.IndexOf(Flag, StringComparison.Ordinal);
            if (at < 0) continue;
            var tag = cmdline[(at + Flag.Length)..].Split('\0', ' ')[0];
            if (!match(tag)) continue;
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
                killed++;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // already gone
            }
        }
        return killed;
    }
}
