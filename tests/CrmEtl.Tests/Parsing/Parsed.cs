using CrmEtl.Abstractions;
using CrmEtl.Host.Ingestion;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Parsing;

/// <summary>A whole parsed file (tests only; the pipeline streams).</summary>
internal sealed record Parsed(List<Dictionary<string, object?>> Rows, List<string?> Extras, ReportSummary Summary)
{
    public static Parsed Read(string crm, string path)
    {
        var parser = Pipeline.Catalog.Get(crm).Plugin.Parser;
        using var reader = parser.Open(SheetOpener.ReportFile(path));
        var rows = new List<Dictionary<string, object?>>();
        var extras = new List<string?>();
        while (reader.Read())
        {
            rows.Add(parser.Columns.Select((c, i) => (c.Name, reader.Values[i])).ToDictionary(x => x.Name, x => x.Item2));
            extras.Add(reader.ExtraColumnsJson);
        }
        return new Parsed(rows, extras, reader.Complete());
    }
}
