using System.Text.RegularExpressions;

namespace CrmEtl.Host.Models;

/// <summary>
/// A data check, like a dbt test: a SELECT that returns the rows breaking a rule (none when it holds). Its severity
/// (<c>-- severity: warn</c> or <c>error</c>) says what a breach does: a warning is logged and recorded; an error
/// rolls the load back and fails it, naming the check and the first offending rows.
/// </summary>
internal sealed partial record Check(string File, string Name, string Sql, bool IsError)
{
    public static Check Parse(string file, string name, string text)
    {
        string? severity = null;
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0) continue;
            if (!trimmed.StartsWith("--", StringComparison.Ordinal)) break;
            if (SeverityLine().Match(trimmed) is { Success: true } m) severity = m.Groups[1].Value.ToLowerInvariant();
        }
        if (severity is null) throw new ModelException(file, "a check needs a '-- severity: warn' or '-- severity: error' line above its SELECT");
        return new Check(file, name, text.TrimEnd().TrimEnd(';'), severity == "error");
    }

    [GeneratedRegex(@"^--\s*severity\s*:\s*(warn|error)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex SeverityLine();
}
