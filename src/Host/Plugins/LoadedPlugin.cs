using CrmEtl.Abstractions;

namespace CrmEtl.Host.Plugins;

/// <summary>A plugin found on disk: its entry object and the folder it came from (which may carry sql/).</summary>
internal sealed record LoadedPlugin(ISourcePlugin Plugin, string Folder, string AssemblyPath)
{
    public SourceInfo Info => Plugin.Info;
}
