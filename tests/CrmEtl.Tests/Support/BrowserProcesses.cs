namespace CrmEtl.Tests.Support;

/// <summary>The browser processes a host started, found in /proc by the owner tag on their command line.</summary>
internal static class BrowserProcesses
{
    /// <summary>Every tagged process of the host, with its parent's pid.</summary>
    public static Dictionary<int, int> Of(int hostPid)
    {
        var tagged = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (!File.ReadAllText(Path.Combine(dir, "cmdline")).Contains($"--crm-etl-owner={hostPid}/")) continue;
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                tagged[pid] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
            }
            catch (Exception)
            {
                // gone meanwhile
            }
        }
        return tagged;
    }

    /// <summary>Chromium's main processes: tagged, with a parent that is not (a helper, or a child caught
    /// between fork and exec, has a tagged parent).</summary>
    public static IEnumerable<int> MainOf(int hostPid)
    {
        var tagged = Of(hostPid);
        return tagged.Where(p => !tagged.ContainsKey(p.Value)).Select(p => p.Key);
    }
}
