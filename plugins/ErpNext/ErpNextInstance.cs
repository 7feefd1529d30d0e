using System.Text.Json;
using System.Text.RegularExpressions;
using CrmEtl.Abstractions.Api;

namespace CrmEtl.Plugins.ErpNext;

/// <summary>One ERPNext site of <c>erpnext.instances</c> in crm-etl.json; its key and secret come from the environment only.</summary>
internal sealed partial record ErpNextInstance(string Name, Uri Url, IReadOnlyList<string> Doctypes, int PageSize)
{
    public static IReadOnlyList<ErpNextInstance> FromSettings(JsonElement settings)
    {
        if (Property(settings, "instances") is not { ValueKind: JsonValueKind.Array } list)
            throw new ApiException("no ERPNext instances configured: add erpnext.instances (name, url, doctypes) to crm-etl.json");
        var instances = new List<ErpNextInstance>();
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var where = $"erpnext.instances[{i++}]";
            var name = Text(item, "name") ?? throw new ApiException($"{where}.name is missing");
            if (!SafeName().IsMatch(name)) throw new ApiException($"{where}.name '{name}' may hold only letters, digits, '-' and '_'");
            var url = Text(item, "url") is { } u && Uri.TryCreate(u.TrimEnd('/') + "/", UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
                ? parsed
                : throw new ApiException($"{where}.url '{Text(item, "url")}' is not an http(s) address");
            var doctypes = Property(item, "doctypes") is { ValueKind: JsonValueKind.Array } d
                ? d.EnumerateArray().Select(x => x.GetString() ?? "").Where(x => x.Length > 0).ToList()
                : Text(item, "doctypes") is { } one ? [one] : ["*"];
            var pageSize = Text(item, "pageSize") is { } p ? int.TryParse(p, out var n) && n is > 0 and <= 10000 ? n
                : throw new ApiException($"{where}.pageSize '{p}' must be a whole number from 1 to 10000") : 500;
            instances.Add(new ErpNextInstance(name, url, doctypes, pageSize));
        }
        return instances;
    }

    /// <summary><c>token key:secret</c> from CRMETL_ERPNEXT_&lt;NAME&gt;_KEY and _SECRET, or null when either is unset.</summary>
    public string? Authorization()
    {
        var prefix = $"CRMETL_ERPNEXT_{Name.ToUpperInvariant().Replace('-', '_')}_";
        var key = Environment.GetEnvironmentVariable(prefix + "KEY");
        var secret = Environment.GetEnvironmentVariable(prefix + "SECRET");
        return string.IsNullOrEmpty(key) || string.IsNullOrEmpty(secret) ? null : $"token {key}:{secret}";
    }

    public string SecretVariables => $"CRMETL_ERPNEXT_{Name.ToUpperInvariant().Replace('-', '_')}_KEY and _SECRET";

    // Settings values are strings (configuration keeps them so); a number given in JSON arrives as its text.
    private static string? Text(JsonElement item, string property) =>
        Property(item, property) is { } v ? v.ValueKind switch { JsonValueKind.String => v.GetString(), JsonValueKind.Number => v.GetRawText(), _ => null } : null;

    // Configuration keys keep the case they were written in (CRMETL_Erpnext__Instances__0__Url): matched ignoring it.
    private static JsonElement? Property(JsonElement item, string property)
    {
        if (item.ValueKind != JsonValueKind.Object) return null;
        foreach (var p in item.EnumerateObject())
            if (string.Equals(p.Name, property, StringComparison.OrdinalIgnoreCase)) return p.Value;
        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,40}$")]
    private static partial Regex SafeName();
}
