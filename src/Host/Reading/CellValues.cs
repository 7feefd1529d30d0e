using System.Buffers;
using System.Globalization;
using System.Text;

namespace CrmEtl.Host.Reading;

/// <summary>
/// Reads report cells as the portals write them. Every reader throws <see cref="FormatException"/> with a
/// message fit for the operator; the caller adds file, row and column.
/// </summary>
internal static partial class CellValues
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

    /// <summary>Text as written, only its ends trimmed (a free-text field keeps its line breaks), or null when blank.</summary>
    public static string? FreeText(object? cell) => cell is string s ? (Blank(s) ? null : s.Trim()) : Text(cell);

    /// <summary>Trimmed text, or null when blank. Numbers are written invariantly, without exponent.</summary>
    public static string? Text(object? cell) => cell switch
    {
        null or DBNull => null,
        string s when IsFolded(s) => s,
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
    public static decimal Money(object? cell)
    {
        var amount = cell is string s && TryPlainAmount(s, out var plain) ? plain : Canonical(RawMoney(cell));
        return Math.Abs(amount) < MostMoney ? amount : throw new FormatException($"'{Text(cell)}' is larger than any amount (at most 9,999,999,999.99)");
    }

    // What an amount column of the warehouse holds (numeric(12,2)): a larger one is a misread cell, not a sale.
    private const decimal MostMoney = 10_000_000_000m;

    // Trailing zeros of the fraction dropped (a zero has scale 0), every significant digit and the sign kept: what
    // dividing by 1.0000000000000000000000000000m gives, without the division.
    private static decimal Canonical(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var scale = (byte)(bits[3] >> 16);
        if (scale == 0) return value;
        var mantissa = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        while (scale > 0 && mantissa % 10 == 0)
        {
            mantissa /= 10;
            scale--;
        }
        return new decimal((int)(uint)mantissa, (int)(uint)(mantissa >> 32), (int)(uint)(mantissa >> 64), bits[3] < 0, scale);
    }

    // The usual amount, "1,234.50" or "-50" (digits, commas before the point, one point, a leading minus), read
    // straight into its canonical decimal; anything else goes the general way.
    private static bool TryPlainAmount(string s, out decimal value)
    {
        value = 0;
        var i = 0;
        var negative = s.Length > 0 && s[0] == '-';
        if (negative) i++;
        ulong mantissa = 0;
        var digits = 0;
        byte scale = 0;
        var point = false;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (c is >= '0' and <= '9')
            {
                if (++digits > 18) return false;
                mantissa = mantissa * 10 + (ulong)(c - '0');
                if (point) scale++;
            }
            else if (c == ',' && !point && digits > 0) continue;
            else if (c == '.' && !point) point = true;
            else return false;
        }
        if (digits == 0) return false;
        value = Canonical(new decimal((int)(uint)mantissa, (int)(uint)(mantissa >> 32), 0, negative, scale));
        return true;
    }

    private static decimal RawMoney(object? cell)
    {
        switch (cell)
        {
            case null or DBNull:
                return 0m;
            case double d:
                if (double.IsNaN(d) || double.IsInfinity(d)) throw new FormatException($"'{d}' is not an amount");
                if (Math.Abs(d) >= (double)MostMoney) throw new FormatException($"'{NumberText(d)}' is larger than any amount (at most 9,999,999,999.99)");
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

    /// <summary>A number, as <see cref="Money"/> reads it, but null when blank.</summary>
    public static decimal? Number(object? cell) => cell switch
    {
        null or DBNull => null,
        string s when Blank(s) => null,
        _ => Money(cell),
    };

    /// <summary>
    /// An instant from ISO 8601 text: <c>2025-06-18T14:32:10.123Z</c>, with an offset (<c>+05:30</c>), or with no
    /// zone (read as UTC); a date cell is read as UTC too. Null when blank. Other shapes (day or month first) are
    /// refused: an export's timestamps are ISO.
    /// </summary>
    public static DateTimeOffset? Instant(object? cell)
    {
        switch (cell)
        {
            case null or DBNull:
                return null;
            case System.DateTime dt:
                return new DateTimeOffset(System.DateTime.SpecifyKind(dt, DateTimeKind.Utc));
            case DateTimeOffset dto:
                return dto.ToUniversalTime();
            case string s when Blank(s):
                return null;
            case string s when IsoInstant().IsMatch(s.Trim()) &&
                               DateTimeOffset.TryParse(s.Trim(), Invariant, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value):
                return value;
            default:
                throw new FormatException($"'{Text(cell)}' is not an ISO 8601 timestamp (expected e.g. '2025-06-18T14:32:10.123Z')");
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,7})?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex IsoInstant();

    /// <summary>A yes/no: true/false, 1/0, yes/no, y/n in any case; blank is false.</summary>
    public static bool Boolean(object? cell) => cell switch
    {
        null or DBNull => false,
        bool b => b,
        double d when d is 0 or 1 => d == 1,
        string s when Blank(s) => false,
        string s => s.Trim().ToLowerInvariant() switch
        {
            "true" or "1" or "yes" or "y" => true,
            "false" or "0" or "no" or "n" => false,
            _ => throw new FormatException($"'{s.Trim()}' is not a yes/no (true/false, 1/0, yes/no)"),
        },
        _ => throw new FormatException($"'{Text(cell)}' is not a yes/no (true/false, 1/0, yes/no)"),
    };

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
            case string s when TryCommonDate(s, out var common):
                return common;
            case string s when Blank(s):
                return null;
            case string s:
                return ParseDateTime(s);
            default:
                throw new FormatException($"'{Text(cell)}' is not a date");
        }
    }

    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    // The two shapes the portals write, "12 Nov 2025[ 10:32[:05] AM]" and "12/11/2025[ 18:45[:05]]", read
    // directly; any other text goes through the formats (a fraction of the cost: most cells are one of these).
    private static bool TryCommonDate(string s, out DateTime value)
    {
        value = default;
        var i = 0;
        if (!Digits(s, ref i, 1, 2, out var day) || i >= s.Length) return false;
        var named = s[i] == ' ';
        int month;
        if (named)
        {
            if (i + 4 >= s.Length || s[i + 4] != ' ') return false;
            month = MonthNumber(s.AsSpan(i + 1, 3));
            i += 5;
        }
        else
        {
            if (s[i] != '/') return false;
            i++;
            if (!Digits(s, ref i, 1, 2, out month) || i >= s.Length || s[i] != '/') return false;
            i++;
        }
        if (!Digits(s, ref i, 4, 4, out var year) || month is < 1 or > 12 || year < 1 || day < 1 || day > System.DateTime.DaysInMonth(year, month))
            return false;
        var (hour, minute, second) = (0, 0, 0);
        if (i < s.Length)
        {
            if (s[i] != ' ') return false;
            i++;
            if (!Digits(s, ref i, 1, 2, out hour) || i >= s.Length || s[i] != ':') return false;
            i++;
            if (!Digits(s, ref i, 2, 2, out minute) || minute > 59) return false;
            if (i < s.Length && s[i] == ':')
            {
                i++;
                if (!Digits(s, ref i, 2, 2, out second) || second > 59) return false;
            }
            if (!named)
            {
                if (i != s.Length || hour > 23) return false; // 24-hour after a numeric date
            }
            else
            {
                // 12-hour with AM/PM after a month name
                if (i + 3 != s.Length || s[i] != ' ' || hour is 0 or > 12 || (s[i + 2] | 0x20) != 'm') return false;
                var am = (s[i + 1] | 0x20) == 'a';
                if (!am && (s[i + 1] | 0x20) != 'p') return false;
                hour = hour % 12 + (am ? 0 : 12);
            }
        }
        value = new DateTime(year, month, day, hour, minute, second);
        return true;
    }

    private static int MonthNumber(ReadOnlySpan<char> name)
    {
        for (var m = 0; m < Months.Length; m++)
            if (name.Equals(Months[m], StringComparison.OrdinalIgnoreCase)) return m + 1;
        return 0;
    }

    private static bool Digits(string s, ref int i, int min, int max, out int value)
    {
        value = 0;
        var start = i;
        while (i < s.Length && i - start < max && s[i] is >= '0' and <= '9') value = value * 10 + (s[i++] - '0');
        return i - start >= min;
    }

    private static decimal ParseMoney(string raw)
    {
        var s = CurrencyMark.Replace(raw.Trim(), "");
        if (s.Length == 0 || s is "-" or "—" or "–") return 0m;
        var sb = new StringBuilder(s.Length);
        foreach (var ch in s)
        {
            if (char.IsDigit(ch) || ch is '.' or '-' or '(' or ')' or '+') sb.Append(ch);
            // A comma after the decimal point is a decimal comma (4.500,00): read our way it would be 4.5.
            else if (ch == ',' && sb.ToString().Contains('.')) throw new FormatException($"'{raw.Trim()}' is not an amount (a comma after the decimal point)");
            else if (ch is not (',' or ' ' or '\u00a0')) throw new FormatException($"'{raw.Trim()}' is not an amount");
        }
        var styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowParentheses;
        if (sb.Length > 0 && decimal.TryParse(sb.ToString(), styles, Invariant, out var value)) return value;
        throw new FormatException($"'{raw.Trim()}' is not an amount");
    }

    // ₹, Rs, Rs., INR, $ or USD before or after the number (after a sign too: -$50).
    private static readonly System.Text.RegularExpressions.Regex CurrencyMark = new(
        @"(?<=^[-+(]?)\s*(₹|rs\.?|inr|\$|usd)\s*|\s*(₹|rs\.?|inr|\$|usd)$",
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

    private static readonly SearchValues<char> Unfolded = SearchValues.Create("\u00a0\n\t\r");

    // Already what Fold makes of it (and not blank): most cells, checked without building anything.
    private static bool IsFolded(string s) =>
        s.Length > 0 && !char.IsWhiteSpace(s[0]) && !char.IsWhiteSpace(s[^1]) &&
        s.AsSpan().IndexOfAny(Unfolded) < 0 && !s.Contains("  ", StringComparison.Ordinal);

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
