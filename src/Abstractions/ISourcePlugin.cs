using CrmEtl.Abstractions.Commands;

namespace CrmEtl.Abstractions;

/// <summary>
/// The one entry type of a source plugin. The host finds it in a plugin folder
/// (<c>plugins/&lt;Name&gt;/&lt;Name&gt;.dll</c>, with the plugin's <c>sql/</c> beside it) and creates it with its public
/// parameterless constructor.
/// </summary>
public interface ISourcePlugin
{
    /// <summary>Who this source is: command-line key, source system code, whether it has stores.</summary>
    SourceInfo Info { get; }

    /// <summary>What it loads, each into its own staging table; the first is the default for a file.</summary>
    IReadOnlyList<Dataset> Datasets { get; }

    /// <summary>Logs in to the portal and downloads reports; null for a source that only takes files or pulls.</summary>
    Portals.IPortal? Portal => null;

    /// <summary>Verbs the plugin adds to the command line (shown in <c>--help</c>).</summary>
    IReadOnlyList<PluginCommand> Commands => [];
}
