using System.Globalization;
using System.Text.Json;
using CrmEtl.Abstractions;
using CrmEtl.Abstractions.Api;
using CrmEtl.Abstractions.Commands;

namespace CrmEtl.Plugins.CrmApi;

/// <summary>
/// One entity pulled page by page with one <c>updated_since</c> for the whole pull (the cursor: the latest
/// <c>updated_at</c> seen, and the records at exactly that time, which the inclusive filter hands over again). A record
/// changed during the pull moves to the end of the list and shifts the pages under the reader; when fewer distinct
/// records arrived than the API's total, the cursor stays where it was, so the next pull reads them again (a record
/// read twice changes nothing).
/// </summary>
internal sealed class CrmEntityApi(CrmEntity entity) : IApiSource
{
    public IReadOnlyList<StagingColumn> Columns { get; } =
        entity.Fields.Select(f => new StagingColumn(f.Name, f.Kind) { IsKey = f.Name == entity.Key, IsVersion = f.Name == "updated_at" })
            .Append(new StagingColumn("payload", CellKind.Json) { InRowHash = false })
            .ToList();

    // Four times over the sales team's day, so the deal aggregations are never more than a few hours behind.
    public IReadOnlyList<string> PullTimes { get; } = ["09:00", "12:30", "16:00", "19:30"];

    public IReadOnlyList<PluginOption> Options { get; } = [new("entity", "E", "accounts, contacts, deals or all (default: all, in that order)")];

    public Task<IReadOnlyList<PullScope>> ScopesAsync(PullContext context, CancellationToken ct)
    {
        var only = context.Options.TryGetValue("entity", out var e) ? e : "all";
        if (only != "all" && CrmEntity.All.All(x => x.Name != only))
            throw new PluginUsageException($"--entity {only}: not one of accounts, contacts, deals, all");
        return Task.FromResult<IReadOnlyList<PullScope>>(only == "all" || only == entity.Name ? [new PullScope(entity.Name)] : []);
    }

    public async Task<string?> PullAsync(PullContext context, string scope, string? cursorText, IRowSink rows, CancellationToken ct)
    {
        var client = new CrmApiClient(context.Http, context.Settings);
        var cursor = cursorText is null ? null : JsonSerializer.Deserialize<Cursor>(cursorText);
        var since = cursor is null ? (DateTimeOffset?)null : DateTimeOffset.Parse(cursor.UpdatedSince, CultureInfo.InvariantCulture);
        var seen = new HashSet<string>();
        var values = new object?[Columns.Count];
        DateTimeOffset? latest = since;
        var atLatest = new HashSet<string>(cursor?.Seen ?? []);
        long total = -1, position = 0;
        for (var page = 1; ; page++)
        {
            var answer = await client.ListAsync(entity.Name, page, cursor?.UpdatedSince, ct);
            if (page == 1) total = answer.Total;
            foreach (var record in answer.Data)
            {
                position++;
                var id = record.ValueKind == JsonValueKind.Object && record.TryGetProperty(entity.Key, out var k) ? CrmValues.Raw(k) : "";
                seen.Add(id);
                var updated = UpdatedAt(record);
                // updated_since is inclusive: the records at the cursor's very time were taken by the last pull
                if (updated is { } u && u == since && cursor!.Seen.Contains(id)) continue;
                if (updated is { } t)
                {
                    if (latest is null || t > latest) (latest, atLatest) = (t, []);
                    if (t == latest) atLatest.Add(id);
                }
                if (Read(record, values, position, rows)) rows.Add(values);
            }
            if (answer.Data.Count == 0 || page >= answer.TotalPages) break;
        }
        if (total >= 0 && seen.Count < total)
        {
            context.Log($"{entity.Name}: {seen.Count} of {total} records arrived (records changed during the pull); the cursor stays for the next pull to read them again");
            return cursorText;
        }
        return latest is { } l
            ? JsonSerializer.Serialize(new Cursor(l.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture), atLatest.Order(StringComparer.Ordinal).ToList()))
            : cursorText;
    }

    private static DateTimeOffset? UpdatedAt(JsonElement record) =>
        record.ValueKind == JsonValueKind.Object && record.TryGetProperty("updated_at", out var u) && u.ValueKind == JsonValueKind.String &&
        DateTimeOffset.TryParse(u.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : null;

    // The last pull's high-water mark: the latest updated_at and the records at exactly that time.
    private sealed record Cursor(string UpdatedSince, List<string> Seen);

    // The record's fields into values; false when one does not fit and the record was rejected.
    private bool Read(JsonElement record, object?[] values, long position, IRowSink rows)
    {
        for (var i = 0; i < entity.Fields.Count; i++)
        {
            var field = entity.Fields[i];
            var value = record.ValueKind == JsonValueKind.Object && record.TryGetProperty(field.Name, out var v) ? v : default;
            try
            {
                values[i] = CrmValues.Read(field, value);
            }
            catch (FormatException e)
            {
                var key = record.ValueKind == JsonValueKind.Object && record.TryGetProperty(entity.Key, out var k) ? CrmValues.Raw(k) : "?";
                rows.Reject(new RowReject(position, null, field.Name, value.ValueKind == JsonValueKind.Undefined ? null : CrmValues.Raw(value),
                    $"{entity.Name} {key}: {field.Name} {e.Message}"));
                return false;
            }
        }
        values[^1] = record.GetRawText();
        return true;
    }
}
