using System.Globalization;

namespace CrmEtl.Host.Cli;

/// <summary>Dates on the command line: yyyy-MM-dd, or today (in Asia/Kolkata, whatever the machine's zone).</summary>
internal static class CliDates
{
    public static readonly TimeZoneInfo India = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");

    public static DateOnly TodayInIndia() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, India).DateTime);

    public static DateOnly? Parse(string? value, string option)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (value.Equals("today", StringComparison.OrdinalIgnoreCase)) return TodayInIndia();
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        throw new UsageException($"{option} '{value}' is not a date (yyyy-MM-dd or today)");
    }

    public static (DateOnly? From, DateOnly? To) Window(string? from, string? to)
    {
        var f = Parse(from, "--from");
        var t = Parse(to, "--to");
        if (f > t) throw new UsageException($"--from {f:yyyy-MM-dd} is after --to {t:yyyy-MM-dd}");
        return (f, t);
    }
}
