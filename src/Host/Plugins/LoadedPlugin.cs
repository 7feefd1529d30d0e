using CrmEtl.Abstractions;
using CrmEtl.Host.Reading;

namespace CrmEtl.Host.Plugins;

/// <summary>A plugin found on disk: its entry object and the folder it came from, which carries its sql/.</summary>
internal sealed record LoadedPlugin(ISourcePlugin Plugin, string Folder, string AssemblyPath)
{
    public SourceInfo Info => Plugin.Info;

    /// <summary>The plugin's SQL: migrations, models and checks, as plain files beside its dll.</summary>
    public string SqlRoot => Path.Combine(Folder, "sql");

    /// <summary>The datasets read from files (a layout or the plugin's own parser).</summary>
    public IEnumerable<Dataset> FileDatasets => Plugin.Datasets.Where(d => d.Api is null);

    public Dataset Dataset(string name) =>
        Plugin.Datasets.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new UsageException($"the {Info.DisplayName} plugin has no report '{name}'; it has {string.Join(", ", Plugin.Datasets.Select(d => d.Name))}");

    /// <summary>The parser of a file dataset: the plugin's own, or the host's reader of its layout.</summary>
    public static IReportParser ParserFor(Dataset dataset) =>
        dataset.Parser
        ?? (dataset.Layout is { } layout ? new LayoutReportParser(layout, dataset.AllOrNothing) : null)
        ?? throw new InvalidOperationException($"dataset '{dataset.Name}' is not read from files");
}
