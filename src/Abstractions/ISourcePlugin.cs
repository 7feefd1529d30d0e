namespace CrmEtl.Abstractions;

/// <summary>
/// The one entry type of a source plugin. The host finds it in a plugin folder
/// (<c>plugins/&lt;Name&gt;/&lt;Name&gt;.dll</c>) and creates it with its public parameterless constructor.
/// </summary>
public interface ISourcePlugin
{
    /// <summary>Who this source is: CLI key, source system code, staging table, transform folder.</summary>
    SourceInfo Info { get; }

    /// <summary>Reads this source's report files into staging rows.</summary>
    IReportParser Parser { get; }

    /// <summary>Logs in to the portal and downloads reports; null for a source that only takes files.</summary>
    Portals.IPortal? Portal { get; }
}
