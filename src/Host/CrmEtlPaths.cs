namespace CrmEtl.Host;

/// <summary>Where the tool keeps its state, finds its SQL and finds its plugins.</summary>
internal sealed record CrmEtlPaths(string Home, string SqlRoot, IReadOnlyList<string> PluginDirectories)
{
    public string Logs => Path.Combine(Home, "logs");


    /// <summary>
    /// CRMETL_HOME, else <c>.crm-etl</c> beside the configuration in use (crm-etl.json: CRMETL_CONFIG's, the working
    /// directory's, else the repository's), so that every command finds the same home from any folder; CRMETL_SQL, else
    /// the nearest sql/ folder above the host binary (the repository's, so analysts' edits apply without a rebuild);
    /// the folders of CRMETL_PLUGINS, then plugins/ beside the host (a plugin of CRMETL_PLUGINS replaces a built-in one
    /// of the same key).
    /// </summary>
    public static CrmEtlPaths FromEnvironment()
    {
        var sql = Environment.GetEnvironmentVariable("CRMETL_SQL") is { Length: > 0 } s
            ? Path.GetFullPath(s)
            : FindSqlRoot();
        var home = Path.GetFullPath(Environment.GetEnvironmentVariable("CRMETL_HOME") is { Length: > 0 } h
            ? h
            : Path.Combine(Config.CrmEtlConfig.FindFile(sql) is { } config ? Path.GetDirectoryName(config)! : Path.GetDirectoryName(sql)!, ".crm-etl"));
        var plugins = new List<string>();
        if (Environment.GetEnvironmentVariable("CRMETL_PLUGINS") is { Length: > 0 } extra)
            plugins.AddRange(extra.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(Path.GetFullPath));
        plugins.Add(Path.Combine(AppContext.BaseDirectory, "plugins"));
        return new CrmEtlPaths(home, sql, plugins);
    }

    private static string FindSqlRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "sql");
                if (Directory.Exists(Path.Combine(candidate, "migrations"))) return candidate;
            }
        }
        throw new DirectoryNotFoundException(
            "cannot find the sql/ folder (sql/migrations) above the host; set CRMETL_SQL");
    }
}
