using System.Reflection;
using System.Runtime.Loader;

namespace CrmEtl.Host.Plugins;

/// <summary>
/// Loads one plugin and its private dependencies from its folder (resolved through the plugin's deps.json),
/// while the contract assembly comes from the host so that host and plugin agree on its types.
/// </summary>
internal sealed class PluginLoadContext(string pluginPath) : AssemblyLoadContext(Path.GetFileNameWithoutExtension(pluginPath))
{
    // The contract and the Playwright types it exposes must be the host's own, or host and plugin would not agree on them.
    private static readonly HashSet<string> Shared =
    [
        typeof(Abstractions.ISourcePlugin).Assembly.GetName().Name!,
        typeof(Microsoft.Playwright.IBrowserContext).Assembly.GetName().Name!,
    ];

    private readonly AssemblyDependencyResolver _resolver = new(pluginPath);

    protected override Assembly? Load(AssemblyName name)
    {
        if (name.Name is not null && Shared.Contains(name.Name)) return null;
        var path = _resolver.ResolveAssemblyToPath(name);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
