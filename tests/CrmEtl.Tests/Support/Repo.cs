namespace CrmEtl.Tests.Support;

/// <summary>Where the repository and the built host are, seen from the test binaries.</summary>
internal static class Repo
{
    public static readonly string Root = FindRoot();

    public static string Sql => Path.Combine(Root, "sql");

    public static string HostDir => Path.Combine(Root, "artifacts", "host");

    public static string HostExe => Path.Combine(HostDir, "crm-etl");

    public static string PluginsDir => Path.Combine(HostDir, "plugins");

    /// <summary>Plugins built only for the tests (dropped in through CRMETL_PLUGINS).</summary>
    public static string TestPluginsDir => Path.Combine(Root, "artifacts", "test-plugins");

    public static string TestHome => Path.Combine(Root, "artifacts", "test-home");

    /// <summary>A fresh folder for one test's files.</summary>
    public static string TempDir(string name)
    {
        var dir = Path.Combine(Root, "artifacts", "test-files", $"{name}-{Guid.NewGuid():N}"[..Math.Min(name.Length + 9, 60)]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CrmEtl.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find CrmEtl.sln above " + AppContext.BaseDirectory);
    }
}
