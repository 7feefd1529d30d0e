using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace CrmEtl.Host.Web;

/// <summary>
/// What every endpoint does with its parameters and its rows: parameters checked (a bad one is a 400 naming it),
/// SQL always with parameters, rows as JSON objects under their column names (amounts the SQL gives as text).
/// </summary>
internal sealed class ApiQuery(HttpContext context)
{
    private readonly List<NpgsqlParameter> _parameters = [];

    public IQueryCollection Query => context.Request.Query;

    /// <summary>Adds a parameter and returns its placeholder ($n).</summary>
    public string Add(object? value, NpgsqlTypes.NpgsqlDbType? type = null)
    {
        var p = new NpgsqlParameter { Value = value ?? DBNull.Value };
        if (type is { } t) p.NpgsqlDbType = t;
        _parameters.Add(p);
        return "$" + _parameters.Count;
    }

    public string? Text(string name, int maxLength = 200)
    {
        var value = Query[name].ToString().Trim();
        if (value.Length == 0) return null;
        if (value.Length > maxLength) throw Bad(name, $"is longer than {maxLength} characters");
        return value;
    }

    public DateOnly? Date(string name) =>
        Text(name) is not { } text ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
        : throw Bad(name, $"'{text}' is not a date (yyyy-MM-dd)");

    /// <summary>A day (yyyy-MM-dd) or a moment (yyyy-MM-ddTHH:mm[:ss]), as the ERP sites' local time.</summary>
    public DateTime? Moment(string name)
    {
        if (Text(name) is not { } text) return null;
        string[] formats = ["yyyy-MM-dd", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFF"];
        return DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t : throw Bad(name, $"'{text}' is not a date (yyyy-MM-dd) or a time (yyyy-MM-ddTHH:mm:ss)");
    }

    public long? Integer(string name, long min = long.MinValue, long max = long.MaxValue) =>
        Text(name) is not { } text ? null
        : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n
        : throw Bad(name, $"'{text}' is not a whole number{(min > long.MinValue ? $" from {min}" : "")}{(max < long.MaxValue ? $" to {max}" : "")}");

    public bool Flag(string name) =>
        Text(name) is not { } text ? false
        : text.ToLowerInvariant() switch { "true" or "1" or "yes" => true, "false" or "0" or "no" => false, _ => throw Bad(name, $"'{text}' is not true or false") };

    public string? OneOf(string name, IReadOnlyCollection<string> allowed) =>
        Text(name) is not { } text ? null
        : allowed.FirstOrDefault(a => a.Equals(text, StringComparison.OrdinalIgnoreCase)) ?? throw Bad(name, $"'{text}' is not one of: {string.Join(", ", allowed)}");

    /// <summary>limit (1..1000, default 100) and offset (≥ 0) as SQL.</summary>
    public string Page(int defaultLimit = 100)
    {
        var limit = Integer("limit", 1, 1000) ?? defaultLimit;
        var offset = Integer("offset", 0) ?? 0;
        return $" limit {Add(limit)} offset {Add(offset)}";
    }

    /// <summary>A LIKE pattern that finds the text anywhere, its own % and _ taken literally.</summary>
    public static string Contains(string text) => "%" + text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%";

    public static ApiException Bad(string parameter, string why) => new(400, $"{parameter}: {why}");

    public NpgsqlCommand Command(NpgsqlDataSource db, string sql)
    {
        var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddRange(_parameters.ToArray());
        return cmd;
    }

    public async Task<List<Dictionary<string, object?>>> RowsAsync(NpgsqlDataSource db, string sql, CancellationToken ct)
    {
        await using var cmd = Command(db, sql);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync(ct))
        {
            var row = new Dictionary<string, object?>(reader.FieldCount);
            for (var i = 0; i < reader.FieldCount; i++)
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null
                    : reader.GetDataTypeName(i) is "jsonb" or "json" ? JsonDocument.Parse(reader.GetString(i)).RootElement
                    : reader.GetFieldType(i) == typeof(DateTime) && reader.GetDataTypeName(i) == "date" ? DateOnly.FromDateTime(reader.GetDateTime(i))
                    : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public async Task<Dictionary<string, object?>?> RowAsync(NpgsqlDataSource db, string sql, CancellationToken ct) =>
        (await RowsAsync(db, sql, ct)).FirstOrDefault();
}
