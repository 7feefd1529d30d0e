using System.Diagnostics;
using CrmEtl.Host.Plugins;
using CrmEtl.Host.Reading;

/// <summary>Where parsing time goes: the xlsx reader alone, then the plugin's reader (header contract, cell conversion).</summary>
internal static class ParseStages
{
    public static IEnumerable<(string Stage, double Seconds, long Rows)> Run(string file)
    {
        var clock = Stopwatch.StartNew();
        long rows = 0;
        using (var sheet = SheetOpener.Open(file))
        {
            while (sheet.Read())
            {
                for (var i = 0; i < sheet.FieldCount; i++) _ = sheet.GetValue(i);
                rows++;
            }
        }
        yield return ("xlsx reader only", clock.Elapsed.TotalSeconds, rows);

        var plugins = PluginCatalog.Discover([Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "artifacts", "host", "plugins")]);
        var parser = LoadedPlugin.ParserFor(plugins.Get("td").Dataset("orders"));
        clock.Restart();
        rows = 0;
        using (var reader = parser.Open(new HostReportFile(file, reject => throw new InvalidOperationException(reject.Reason))))
        {
            while (reader.Read()) rows++;
            reader.Complete();
        }
        yield return ("plugin reader (typed rows)", clock.Elapsed.TotalSeconds, rows);
    }
}
