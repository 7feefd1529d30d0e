using System.Diagnostics;
using CrmEtl.Host.Plugins;
using CrmEtl.Host.Reading;

/// <summary>Where parsing time goes: the xlsx reader alone, then the plugin's reader (header contract, cell conversion).</summary>
internal static class ParseStages
{
    /// <param name="crm">The plugin whose reader is timed: td (the first sheet), else every sheet (a CSV is one).</param>
    public static IEnumerable<(string Stage, double Seconds, long Rows)> Run(string file, string crm = "td", string dataset = "orders")
    {
        var clock = Stopwatch.StartNew();
        long rows = 0;
        foreach (var sheet in crm == "td" ? new[] { new CrmEtl.Abstractions.Sheet("", SheetOpener.Open(file)) } : SheetOpener.OpenAll(file))
            using (sheet.Rows)
                while (sheet.Rows.Read())
                {
                    for (var i = 0; i < sheet.Rows.FieldCount; i++) _ = sheet.Rows.GetValue(i);
                    rows++;
                }
        yield return ("xlsx reader only", clock.Elapsed.TotalSeconds, rows);

        var plugins = PluginCatalog.Discover([Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "artifacts", "host", "plugins")]);
        var parser = LoadedPlugin.ParserFor(plugins.Get(crm).Dataset(dataset));
        clock.Restart();
        rows = 0;
        using (var reader = parser.Open(new HostReportFile(file, _ => { })))
        {
            while (reader.Read()) rows++;
            reader.Complete();
        }
        yield return ("plugin reader (typed rows)", clock.Elapsed.TotalSeconds, rows);
    }
}
