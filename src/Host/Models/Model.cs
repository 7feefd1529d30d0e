using System.Text.RegularExpressions;

namespace CrmEtl.Host.Models;

/// <summary>How a model's rows reach its target.</summary>
internal enum Materialize
{
    /// <summary>A temp table named after the model, for the models after it (no target).</summary>
    Temp,

    /// <summary>Insert new keys, update keys whose columns changed, leave equal rows alone, never roll a row back.</summary>
    Merge,

    /// <summary>Update the selected columns of keys the target has; never insert.</summary>
    Update,

    /// <summary>As merge, and a returned key whose other columns are all null is deleted (a period left empty).</summary>
    Rebuild,
}

/// <summary>
/// One SQL model: a plain SELECT in its own file, with its settings in the comment lines above it
/// (<c>-- target: orders</c>, <c>-- key: a, b</c>, <c>-- version: updated_at</c>, <c>-- materialize: merge</c>).
/// The file name without its number is the model's name (<c>010_orders.sql</c>: orders).
/// </summary>
internal sealed partial record Model(string File, string Name, string Sql, string? Target, IReadOnlyList<string> Key,
    string? Version, Materialize Kind)
{
    public static Model Parse(string file, string text)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0) continue;
            if (!trimmed.StartsWith("--", StringComparison.Ordinal)) break;
            var setting = SettingLine().Match(trimmed);
            if (setting.Success) settings[setting.Groups[1].Value] = setting.Groups[2].Value.Trim();
        }

        var name = NumberPrefix().Replace(Path.GetFileNameWithoutExtension(file), "");
        var target = settings.GetValueOrDefault("target");
        var key = settings.TryGetValue("key", out var k)
            ? k.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
        Materialize kind;
        if (settings.TryGetValue("materialize", out var m))
        {
            if (!Enum.TryParse(m, ignoreCase: true, out kind))
                throw new ModelException(file, $"materialize: '{m}' is not one of merge, update, rebuild, temp");
        }
        else kind = target is null ? Materialize.Temp : Materialize.Merge;

        if (kind != Materialize.Temp && (target is null || key.Length == 0))
            throw new ModelException(file, $"a {kind.ToString().ToLowerInvariant()} model needs '-- target:' and '-- key:' lines above its SELECT");
        if (kind == Materialize.Temp && target is not null)
            throw new ModelException(file, "a temp model has no target");
        if (!Identifier().IsMatch(name))
            throw new ModelException(file, $"'{name}' is not a usable name (letters, digits and _ after the number)");

        return new Model(file, name, text.TrimEnd().TrimEnd(';'), target, key, settings.GetValueOrDefault("version"), kind);
    }

    [GeneratedRegex(@"^--\s*(target|key|version|materialize)\s*:\s*(.+)$", RegexOptions.IgnoreCase)]
    private static partial Regex SettingLine();

    [GeneratedRegex(@"^\d+_")]
    private static partial Regex NumberPrefix();

    [GeneratedRegex(@"^[a-z_][a-z0-9_]*$")]
    private static partial Regex Identifier();
}
