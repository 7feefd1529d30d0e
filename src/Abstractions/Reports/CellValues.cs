using System.Globalization;
using System.Text;

namespace CrmEtl.Abstractions.Reports;

/// <summary>
/// Reads report cells as the portals write them. Every reader throws <see cref="FormatException"/> with a
/// message fit for the operator; the caller adds file, row and column.
/// </summary>
public static class CellValues
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    // Day-first only: an Indian report never means 03/04 as 4 March.
    private static readonly string[] DateParts =
    [
        "d MMM yyyy", "d MMMM yyyy", "d-MMM-yyyy", "d-MMM-yy", "d MMM yy",
        "d/M/yyyy", "d-M-yyyy", "d.M.yyyy", "d/M/yy",
        "yyyy-M-d", "MMM d yyyy", "MMMM d yyyy",
    ];

    private static readonly string[] TimeParts =
    [
        "", " h:mm tt", " h:mm:ss tt", " H:mm", " H:mm:ss", " h:mmtt", " h tt", "'T'H:mm:ss", "'T'H:mm", " H:mm:ss.FFFFFFF",
    ];

    private static readonly string[] DateFormats =
        DateParts.SelectMany(d => TimeParts.Select(t => d + t)).ToArray();

    /// <summary>Trimmed text, or null when blank. Numbers are written invariantly, without exponent.</summary>
    public static string? Text(object? cell) => cell switch
    {
        null or DBNull => null,
        string s => Blank(s) ? null : Fold(s),
        double d => NumberText(d),
        DateTime dt => dt.TimeOfDay == TimeSpan.Zero
            ? dt.ToString("yyyy-MM-dd", Invariant)
            : dt.ToString("yyyy-MM-dd HH:mm:ss", Invariant),
        IFormattable f => f.ToString(null, Invariant),
        _ => Fold(cell.ToString() ?? ""),
    };

    /// <summary>
    /// An amount; blank, "-" or "—" is 0. Trailing zeros are dropped so that 708, "708.00" and 708.0 are the
    /// same value in the same form: an order exported once as text and once as a number hashes the same.
    /// </summary>
    public static decimal Money(object? cell) => Canonical(RawMoney(cell));

    // Dividing by 1 with a long scale drops trailing zeros and keeps every significant digit.
    private static decimal Canonical(decimal value) => value / 1.0000000000000000000000000000m;

    private static decimal RawMoney(object? cell)
    {
        switch (cell)
        {
            case null or DBNull:
                return 0m;
            case double d:
                if (double.IsNaN(d) || double.IsInfinity(d)) throw new FormatException($"'{d}' is not an amount");
                return Math.Round((decimal)d, 4);
            case decimal m:
                return m;
            case int or long or float or short:
                return Convert.ToDecimal(cell, Invariant);
            case string s:
                return ParseMoney(s);
            case DateTime dt:
                throw new FormatException($"expected an amount, found the date {dt:yyyy-MM-dd}");
            default:
                return ParseMoney(cell.ToString() ?? "");
        }
    }

    /// <summary>An IST wall-clock time from a date cell, an Excel serial number or day-first text; null when blank.</summary>
    public static DateTime? DateTime(object? cell)
    {
        switch (cell)
        {
            case null or DBNull:
                return null;
            case System.DateTime dt:
                return dt;
            case double d when d is > 1 and < 200_000:
                return System.DateTime.FromOADate(d);
            case string s when Blank(s):
                return null;
            case string s:
                return ParseDateTime(s);
            default:
                throw new FormatException($"'{Text(cell)}' is not a date");
        }
    }

    private static decimal ParseMoney(string raw)
    {
        var s = CurrencyMark.Replace(raw.Trim(), "");
        if (s.Length == 0 || s is "-" or "—" or "–") return 0m;
        var sb = new StringBuilder(s.Length);
        foreach (var ch in s)
        {
            if (char.IsDigit(ch) || ch is '.' or '-' or '(' or ')' or '+') sb.Append(ch);
            else if (ch is not (',' or ' ' or '\u00a0')) throw new FormatException($"'{raw.Trim()}' is not an amount");
        }
        var styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowParentheses;
        if (sb.Length > 0 && decimal.TryParse(sb.ToString(), styles, Invariant, out var value)) return value;
        throw new FormatException($"'{raw.Trim()}' is not an amount");
    }

    // ₹, Rs, Rs. or INR before or after the number.
    private static readonly System.Text.RegularExpressions.Regex CurrencyMark = new(
        @"^(₹|rs\.?|inr)\s*|\s*(₹|rs\.?|inr)$",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static DateTime ParseDateTime(string raw)
    {
        var s = NormaliseDateText(raw);
        if (System.DateTime.TryParseExact(s, DateFormats, Invariant,
                DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.NoCurrentDateDefault, out var value))
            return value;
        throw new FormatException($"'{raw.Trim()}' is not a date (expected e.g. '12 Nov 2025 10:32 AM' or '12/11/2025')");
    }

    private static string NormaliseDateText(string raw)
    {
        var s = Fold(raw.Replace(',', ' '));
        s = s.Replace("a.m.", "AM", StringComparison.OrdinalIgnoreCase)
             .Replace("p.m.", "PM", StringComparison.OrdinalIgnoreCase)
             .Replace("Sept ", "Sep ", StringComparison.OrdinalIgnoreCase);
        if (s.EndsWith(" am", StringComparison.OrdinalIgnoreCase) || s.EndsWith(" pm", StringComparison.OrdinalIgnoreCase))
            s = s[..^2] + s[^2..].ToUpperInvariant();
        else if (s.EndsWith("am", StringComparison.Ordinal) || s.EndsWith("pm", StringComparison.Ordinal))
            s = s[..^2] + s[^2..].ToUpperInvariant();
        return s;
    }

    private static string NumberText(double d) =>
        d == Math.Floor(d) && Math.Abs(d) < 1e15 ? d.ToString("0", Invariant) : d.ToString("R", Invariant);

    private static bool Blank(string s) => string.IsNullOrWhiteSpace(s);

    /// <summary>Trims and folds runs of white space (including no-break spaces) to one space.</summary>
    public static string Fold(string s)
    {
        s = s.Trim().Replace('\u00a0', ' ');
        if (!s.Contains("  ", StringComparison.Ordinal) && !s.Contains('\n') && !s.Contains('\t') && !s.Contains('\r')) return s;
        var sb = new StringBuilder(s.Length);
        var space = false;
        foreach (var ch in s)
        {
            if (char.IsWhiteSpace(ch)) { if (!space) sb.Append(' '); space = true; }
            else { sb.Append(ch); space = false; }
        }
        return sb.ToString().Trim();
    }
}
