using CrmEtl.Abstractions;
using CrmEtl.Host.Plugins;
using CrmEtl.Host.Reading;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Parsing;

/// <summary>A whole parsed file (tests only; the pipeline streams), with the rows its reader rejected.</summary>
internal sealed record Parsed(List<Dictionary<string, object?>> Rows, List<string?> Extras, ReportSummary Summary, List<RowReject> Rejects)
{
    public static Parsed Read(string crm, string path, string? report = null)
    {
        var plugin = Pipeline.Catalog.Get(crm);
        var parser = LoadedPlugin.ParserFor(report is null ? plugin.Plugin.Datasets[0] : plugin.Dataset(report));
        var rejects = new List<RowReject>();
        using var reader = parser.Open(new HostReportFile(path, rejects.Add));
        var rows = new List<Dictionary<string, object?>>();
        var extras = new List<string?>();
        while (reader.Read())
        {
            rows.Add(parser.Columns.Select((c, i) => (c.Name, reader.Values[i])).ToDictionary(x => x.Name, x => x.Item2));
            extras.Add(reader.ExtraColumnsJson);
        }
        return new Parsed(rows, extras, reader.Complete(), rejects);
    }
}
