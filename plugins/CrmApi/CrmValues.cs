using System.Globalization;
using System.Text.Json;
using CrmEtl.Abstractions;

namespace CrmEtl.Plugins.CrmApi;

/// <summary>A record's field as its staging column takes it; a value that does not fit is a FormatException saying why.</summary>
internal static class CrmValues
{
    public static object? Read(CrmField field, JsonElement value)
    {
        if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined || value.ValueKind == JsonValueKind.String && value.GetString()!.Trim().Length == 0)
            return field.Required ? throw new FormatException("is missing; every record must have it") : null;
        return field.Kind switch
        {
            CellKind.Number => Number(field, value),
            CellKind.Instant => Instant(value),
            CellKind.DateTime => Date(value),
            _ => Text(field, value),
        };
    }

    /// <summary>A value given on the command line (<c>--set deal_size=24456</c>) as the field takes it.</summary>
    public static object? Parse(CrmField field, string text) =>
        Read(field, text.Length == 0 || text == "null" ? default : field.Kind == CellKind.Number && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var n)
            ? JsonSerializer.SerializeToElement(n)
            : JsonSerializer.SerializeToElement(text));

    private static decimal Number(CrmField field, JsonElement value)
    {
        decimal n;
        if (value.ValueKind == JsonValueKind.Number) n = value.GetDecimal();
        else if (value.ValueKind == JsonValueKind.String && decimal.TryParse(value.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed)) n = parsed;
        else throw new FormatException($"'{Raw(value)}' is not a number");
        if (field.Whole && n != decimal.Truncate(n)) throw new FormatException($"'{Raw(value)}' is not a whole number");
        if (field.Whole && (n > int.MaxValue || n < int.MinValue)) throw new FormatException($"'{Raw(value)}' is larger than an integer");
        return n;
    }

    private static DateTimeOffset Instant(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : throw new FormatException($"'{Raw(value)}' is not an ISO 8601 time");

    private static DateTime Date(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && DateTime.TryParseExact(value.GetString(), ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"],
            CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d)
            ? d.Date
            : throw new FormatException($"'{Raw(value)}' is not a date (yyyy-MM-dd)");

    private static string Text(CrmField field, JsonElement value)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : value.GetRawText();
        if (field.Allowed is { } allowed && !allowed.Contains(text))
            throw new FormatException($"'{text}' is not one of {string.Join(", ", allowed.Select(a => $"'{a}'"))}");
        return text;
    }

    public static string Raw(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
}
