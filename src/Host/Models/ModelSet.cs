using System.Security.Cryptography;
using System.Text;
using CrmEtl.Abstractions;
using CrmEtl.Host.Plugins;

namespace CrmEtl.Host.Models;

/// <summary>
/// What a load of one dataset runs after its rows are staged: the plugin's models for it (<c>sql/models/&lt;dataset&gt;</c>
/// in file name order) and the checks that concern it (the plugin's <c>sql/checks/&lt;dataset&gt;</c>, and the plugin's
/// and the host's <c>sql/checks/&lt;table&gt;</c> for each table the models write), read from disk as they are now, with
/// their version: a hash of the models' names and text.
/// </summary>
internal sealed record ModelSet(LoadedPlugin Plugin, Dataset Dataset, IReadOnlyList<Model> Models, IReadOnlyList<Check> Checks, string Version)
{
    // Part of every version: a change to how the host materialises models changes what they build.
    private const string MaterializerVersion = "materialize/1";

    /// <summary>transform_state's key: crm/dataset.</summary>
    public string StateKey => $"{Plugin.Info.Crm}/{Dataset.Name}";

    /// <summary>
    /// Whether a model reads <c>batch_left_out</c> (the row hashes of a big file's rows left out of staging as
    /// unchanged): the host then fills it.
    /// </summary>
    public bool ReadsLeftOut => Models.Any(m => m.Sql.Contains("batch_left_out", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Whether a model decides something from a whole file (<c>crm_etl_complete_file()</c>): the models then run for
    /// every complete file, even one with no row to stage (all unchanged, or none at all).
    /// </summary>
    public bool DecidesOnCompleteFiles => Models.Any(m => m.Sql.Contains("crm_etl_complete_file", StringComparison.OrdinalIgnoreCase));

    /// <summary>The tables the models write.</summary>
    public IEnumerable<string> Targets => Models.Where(m => m.Target is not null).Select(m => m.Target!).Distinct();

    public static ModelSet Load(LoadedPlugin plugin, Dataset dataset, string hostSqlRoot)
    {
        var folder = Path.Combine(plugin.SqlRoot, "models", dataset.Name);
        var files = SqlFiles(folder);
        if (files.Count == 0)
            throw new ModelException(folder, $"the {plugin.Info.DisplayName} plugin has no models for its dataset '{dataset.Name}' (sql/models/{dataset.Name}/*.sql)");

        using var version = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        version.AppendData(Encoding.UTF8.GetBytes(MaterializerVersion + "\n"));
        var models = new List<Model>();
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            models.Add(Model.Parse(file, text));
            version.AppendData(Encoding.UTF8.GetBytes($"{Path.GetFileName(file)}\n{text}\n"));
        }
        var duplicate = models.GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ModelException(folder, $"two models are named '{duplicate.Key}'");

        var checkFolders = new List<(string Folder, string Prefix)> { (Path.Combine(plugin.SqlRoot, "checks", dataset.Name), $"{plugin.Info.Crm}:{dataset.Name}") };
        foreach (var table in models.Where(m => m.Target is not null).Select(m => m.Target!).Distinct())
        {
            checkFolders.Add((Path.Combine(plugin.SqlRoot, "checks", table), $"{plugin.Info.Crm}:{table}"));
            checkFolders.Add((Path.Combine(hostSqlRoot, "checks", table), table));
        }
        // A dataset named like its table (leads -> leads) has one folder for both: its checks run once.
        var checks = checkFolders.DistinctBy(f => f.Folder)
            .SelectMany(f => SqlFiles(f.Folder).Select(file => Check.Parse(file, $"{f.Prefix}/{Path.GetFileNameWithoutExtension(file)}", File.ReadAllText(file))))
            .ToList();
        return new ModelSet(plugin, dataset, models, checks, Convert.ToHexStringLower(version.GetHashAndReset()));
    }

    private static List<string> SqlFiles(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, "*.sql").Order(StringComparer.Ordinal).ToList() : [];
}
