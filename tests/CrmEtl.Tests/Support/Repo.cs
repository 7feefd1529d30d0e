namespace CrmEtl.Tests.Support;

/// <summary>Where the repository and the built host are, seen from the test binaries.</summary>
internal static class Repo
{
    public static readonly string Root = FindRoot();

    public static string Sql => Path.Combine(Root, "sql");

    public static string HostDir => Path.Combine(Root, "artifacts", "host");

    public static string HostExe => Path.Combine(HostDir, "crm-etl");

    public static string PluginsDir => Path.Combine(HostDir, "plugins");

    public static string TestHome => Path.Combine(Root, "artifacts", "test-home");

    /// <summary>A fresh folder for one test's files.</summary>
    public static string TempDir(string name)
    {
        var dir = Path.Combine(Root, "artifacts", "test-files", $"{name}-{Guid.NewGuid():N}"[..Math.Min(name.Length + 9, 60)]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>An analyst's copy of the repository's sql/ under <paramref name="dir"/>, with one file edited.</summary>
    public static string SqlCopy(string dir, string file, Func<string, string> edit)
    {
        var copy = Path.Combine(dir, $"sql-{Guid.NewGuid():N}"[..12]);
        foreach (var source in Directory.GetFiles(Sql, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(Sql, source));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }
        var edited = Path.Combine(copy, file);
        var before = File.ReadAllText(edited);
        var after = edit(before);
        if (after == before) throw new InvalidOperationException($"the edit of {file} changed nothing");
        File.WriteAllText(edited, after);
        return copy;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CrmEtl.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find CrmEtl.sln above " + AppContext.BaseDirectory);
    }
}
