using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrmEtl.Abstractions;
using CrmEtl.Abstractions.Commands;
using Npgsql;
using Sylvan.Data.Csv;

namespace CrmEtl.Plugins.CrmApi;

/// <summary><c>export</c> and <c>update</c> for <c>--crm crmapi</c> (sources.md section 4).</summary>
internal static class CrmCommands
{
    // The seed's columns of each table, as exported (enums as their text).
    private static readonly Dictionary<string, string> ExportColumns = new()
    {
        ["accounts"] = "id, account_id, account_name, industry, account_value, region::text as region, updated_at",
        ["contacts"] = "id, contact_id, first_name, last_name, email, job_title, lead_source::text as lead_source, last_contact_date, updated_at",
        ["deals"] = "id, deal_id, deal_name, deal_size, probability_of_closure, deal_stage::text as deal_stage, account_id, created_at, updated_at",
        ["deal_aggregations"] = "id, account_id, aggregation_type, aggregation_date, total_deal_size, deal_count",
    };

    public static readonly PluginCommand Export = new("export", null, "Write accounts, contacts, deals or deal_aggregations to a JSON or CSV file",
        [
            new PluginOption("entity", "E", "accounts, contacts, deals or deal_aggregations", Required: true),
            new PluginOption("format", "F", "json or csv", Required: true),
            new PluginOption("out", "PATH", "The file to write (replaced)", Required: true),
        ],
        ExportAsync)
    {
        Example = "./crm-etl export --crm crmapi --entity deals --format csv --out deals.csv",
    };

    public static readonly PluginCommand Update = new("update", null, "Change records in the CRM (PATCH), then in the warehouse",
        [
            new PluginOption("entity", "E", "accounts, contacts or deals", Required: true),
            new PluginOption("key", "FIELD", "The field that selects the records (e.g. deal_id, account_id)", Required: true),
            new PluginOption("value", "V", "Its value", Required: true),
            new PluginOption("set", "FIELD=VALUE", "A field to change, cast to its type (repeat for more)", Required: true, Many: true),
        ],
        UpdateAsync)
    {
        Example = "./crm-etl update --crm crmapi --entity deals --key deal_id --value 203 --set deal_size=24456",
    };

    private static async Task<int> ExportAsync(PluginCommandContext context, CancellationToken ct)
    {
        var entity = context.Option("entity")!;
        if (!ExportColumns.TryGetValue(entity, out var columns))
            throw new PluginUsageException($"--entity {entity}: not one of {string.Join(", ", ExportColumns.Keys)}");
        var format = context.Option("format")!.ToLowerInvariant();
        if (format is not ("json" or "csv")) throw new PluginUsageException($"--format {format}: json or csv");
        var path = Path.GetFullPath(context.Option("out")!);
        if (Path.GetDirectoryName(path) is { } dir && !Directory.Exists(dir)) throw new PluginUsageException($"--out {path}: no such folder");

        await using var conn = new NpgsqlConnection(context.ConnectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand($"select {columns} from {entity} order by id", conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var temp = path + ".part";
        long rows;
        await using (var file = new StreamWriter(temp, false, new System.Text.UTF8Encoding(false)))
        {
            if (format == "csv")
            {
                await using var csv = CsvDataWriter.Create(file, new CsvDataWriterOptions { DateTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", DateTimeOffsetFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz" });
                rows = await csv.WriteAsync(reader, ct);
            }
            else rows = await WriteJsonAsync(reader, file, ct);
        }
        File.Move(temp, path, overwrite: true);
        await context.Out.WriteLineAsync($"{rows} {entity} → {path}");
        return 0;
    }

    private static async Task<long> WriteJsonAsync(NpgsqlDataReader reader, StreamWriter file, CancellationToken ct)
    {
        await using var json = new Utf8JsonWriter(file.BaseStream, new JsonWriterOptions { Indented = true });
        json.WriteStartArray();
        long rows = 0;
        while (await reader.ReadAsync(ct))
        {
            json.WriteStartObject();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                json.WritePropertyName(reader.GetName(i));
                if (reader.IsDBNull(i)) json.WriteNullValue();
                else
                    switch (reader.GetValue(i))
                    {
                        case int n: json.WriteNumberValue(n); break;
                        case long n: json.WriteNumberValue(n); break;
                        case double d: json.WriteNumberValue(d); break;
                        case decimal m: json.WriteNumberValue(m); break;
                        case DateTime t when reader.GetDataTypeName(i) == "date": json.WriteStringValue(t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
                        case DateTime t: json.WriteStringValue(t.ToString(t.Kind == DateTimeKind.Utc ? "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)); break;
                        case DateOnly d: json.WriteStringValue(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
                        case var other: json.WriteStringValue(Convert.ToString(other, CultureInfo.InvariantCulture)); break;
                    }
            }
            json.WriteEndObject();
            rows++;
        }
        json.WriteEndArray();
        return rows;
    }

    private static async Task<int> UpdateAsync(PluginCommandContext context, CancellationToken ct)
    {
        var name = context.Option("entity")!;
        var entity = CrmEntity.All.FirstOrDefault(e => e.Name == name)
            ?? throw new PluginUsageException($"--entity {name}: not one of accounts, contacts, deals");
        var keyName = context.Option("key")!;
        var key = entity.Field(keyName) ?? throw new PluginUsageException($"--key {keyName}: {entity.Name} have no field '{keyName}' ({Fields(entity)})");
        var keyValue = Cast(key, context.Option("value")!, "--value");

        var changes = new JsonObject();
        foreach (var set in context.Options["set"])
        {
            var eq = set.IndexOf('=');
            if (eq <= 0) throw new PluginUsageException($"--set {set}: expected FIELD=VALUE");
            var fieldName = set[..eq].Trim();
            var field = entity.Field(fieldName) ?? throw new PluginUsageException($"--set {set}: {entity.Name} have no field '{fieldName}' ({Fields(entity)})");
            if (field.Name == entity.Key || field.Name is "updated_at" or "created_at")
                throw new PluginUsageException($"--set {set}: {field.Name} is the CRM's to set, not a field to change");
            changes[field.Name] = Cast(field, set[(eq + 1)..], $"--set {fieldName}") switch
            {
                null => null,
                decimal n => JsonValue.Create(n),
                DateTime d => JsonValue.Create(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                var v => JsonValue.Create(Convert.ToString(v, CultureInfo.InvariantCulture)),
            };
        }

        await using var conn = new NpgsqlConnection(context.ConnectionString);
        await conn.OpenAsync(ct);
        var ids = new List<string>();
        await using (var find = new NpgsqlCommand($"select {entity.Key}::text from {entity.Table} where {key.Name}::text = $1 order by 1", conn))
        {
            find.Parameters.AddWithValue(Text(keyValue));
            await using var reader = await find.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) ids.Add(reader.GetString(0));
        }
        if (ids.Count == 0)
        {
            await context.Out.WriteLineAsync($"no {entity.Name} with {key.Name} = {Text(keyValue)} in the warehouse: nothing updated");
            return 1;
        }

        var client = new CrmApiClient(context.Http, context.Settings);
        foreach (var id in ids)
        {
            var record = await client.PatchAsync(entity.Name, id, changes, ct);
            if (record is null)
            {
                await context.Out.WriteLineAsync($"{entity.Name} {id}: the CRM has no such record (deleted there?); stopped");
                return 1;
            }
            await StoreAsync(conn, entity, id, record, ct);
            await context.Out.WriteLineAsync($"{entity.Name} {id}: {string.Join(", ", changes.Select(c => $"{c.Key} = {c.Value?.ToJsonString() ?? "null"}"))} (CRM and warehouse)");
        }
        return 0;
    }

    // The record as the CRM returned it after the change, into its warehouse row.
    private static async Task StoreAsync(NpgsqlConnection conn, CrmEntity entity, string id, JsonObject record, CancellationToken ct)
    {
        var element = JsonSerializer.SerializeToElement(record);
        var fields = entity.Fields.Where(f => f.Name != entity.Key).ToList();
        var set = fields.Select((f, i) => $"{f.Name} = {Cast(entity, f, $"${i + 2}")}").Append($"source_payload = ${fields.Count + 2}::jsonb");
        await using var cmd = new NpgsqlCommand($"update {entity.Table} set {string.Join(", ", set)} where {entity.Key}::text = $1", conn);
        cmd.Parameters.AddWithValue(id);
        foreach (var f in fields)
        {
            var value = CrmValues.Read(f, element.TryGetProperty(f.Name, out var v) ? v : default);
            cmd.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
        cmd.Parameters.AddWithValue(record.ToJsonString());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string Cast(CrmEntity entity, CrmField f, string p) => (entity.Name, f.Name) switch
    {
        (_, "region") => $"{p}::text::crm_region",
        (_, "lead_source") => $"{p}::text::crm_lead_source",
        (_, "deal_stage") => $"{p}::text::crm_deal_stage",
        ("deals", "created_at") => $"({p}::timestamptz at time zone 'UTC')",
        (_, "last_contact_date") => $"{p}::date",
        _ when f.Whole => $"{p}::integer",
        _ => p,
    };

    private static object? Cast(CrmField field, string text, string option)
    {
        try
        {
            return CrmValues.Parse(field, text);
        }
        catch (FormatException e)
        {
            throw new PluginUsageException($"{option}: {field.Name} {e.Message}");
        }
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        DateTime d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        var v => Convert.ToString(v, CultureInfo.InvariantCulture)!,
    };

    private static string Fields(CrmEntity entity) => string.Join(", ", entity.Fields.Select(f => f.Name));
}
