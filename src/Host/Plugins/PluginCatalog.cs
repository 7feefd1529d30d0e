using CrmEtl.Abstractions;
using CrmEtl.Host.Logging;
using McMaster.NETCore.Plugins;

namespace CrmEtl.Host.Plugins;

/// <summary>
/// Discovers source plugins: every folder <c>plugins/&lt;Name&gt;/</c> holding <c>&lt;Name&gt;.dll</c> is loaded by
/// McMaster's <see cref="PluginLoader"/> in its own load context, its private dependencies from its folder, the
/// contract (and the Playwright and Npgsql types it hands over) shared with the host. Folders are searched in the
/// order given; a key found in an earlier folder wins over the same key in a later one. A broken plugin is reported
/// and skipped; it never stops the others.
/// </summary>
internal sealed class PluginCatalog
{
    // Host and plugin must agree on these types: the contract, the browser types a portal flow is handed, and the
    // database driver a plugin's own verbs use.
    private static readonly Type[] SharedTypes =
    [
        typeof(ISourcePlugin),
        typeof(Microsoft.Playwright.IBrowserContext),
        typeof(Npgsql.NpgsqlConnection),
    ];

    private PluginCatalog(IReadOnlyList<LoadedPlugin> plugins, IReadOnlyList<string> problems)
    {
        Plugins = plugins;
        Problems = problems;
    }

    public IReadOnlyList<LoadedPlugin> Plugins { get; }

    public IReadOnlyList<string> Problems { get; }

    public static PluginCatalog Discover(IEnumerable<string> pluginRoots)
    {
        var plugins = new List<LoadedPlugin>();
        var problems = new List<string>();
        var roots = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase); // crm key -> the root it came from
        foreach (var root in pluginRoots.Where(Directory.Exists))
        {
            foreach (var folder in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
            {
                var dll = Path.Combine(folder, Path.GetFileName(folder) + ".dll");
                if (!File.Exists(dll)) continue;
                try
                {
                    var loader = PluginLoader.CreateFromAssemblyFile(dll, SharedTypes, config => config.PreferSharedTypes = true);
                    var entries = loader.LoadDefaultAssembly().GetExportedTypes()
                        .Where(t => typeof(ISourcePlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
                        .ToList();
                    if (entries.Count == 0) problems.Add($"{dll}: no public ISourcePlugin type");
                    foreach (var type in entries)
                    {
                        var plugin = (ISourcePlugin)Activator.CreateInstance(type)!;
                        if (!roots.TryGetValue(plugin.Info.Crm, out var first))
                        {
                            roots[plugin.Info.Crm] = root;
                            plugins.Add(new LoadedPlugin(plugin, folder, dll));
                        }
                        else if (first == root) problems.Add($"{dll}: crm key '{plugin.Info.Crm}' is already taken; ignored");
                        // else: a plugin of an earlier folder (CRMETL_PLUGINS) replaces this one on purpose
                    }
                }
                catch (Exception e)
                {
                    problems.Add($"{dll}: cannot load ({e.GetType().Name}: {e.Message})");
                }
            }
        }
        foreach (var problem in problems) Log.Warn("host", "plugins.problem", problem);
        return new PluginCatalog(plugins, problems);
    }

    /// <summary>Each plugin's source system, by its crm key.</summary>
    public IReadOnlyDictionary<string, string> SourceSystems => Plugins.ToDictionary(p => p.Info.Crm, p => p.Info.SourceSystem);

    public LoadedPlugin Get(string crm) =>
        Plugins.FirstOrDefault(p => string.Equals(p.Info.Crm, crm, StringComparison.OrdinalIgnoreCase))
        ?? throw new UsageException($"unknown --crm '{crm}'; plugins found: {string.Join(", ", Plugins.Select(p => p.Info.Crm))}");
}
