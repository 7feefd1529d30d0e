using System.Globalization;
using System.Text.Json;
using CrmEtl.Abstractions;
using CrmEtl.Abstractions.Api;
using CrmEtl.Abstractions.Commands;

namespace CrmEtl.Plugins.ErpNext;

/// <summary>
/// Per (instance, doctype): the documents modified since the cursor, listed by keyset (modified, then name, so a bulk
/// edit that gave thousands of documents one <c>modified</c> loses none at a page edge), each fetched whole; then the
/// doctype's entries in Deleted Document since the cursor. The cursor is the last (modified, name) listed and the
/// last deletion's creation.
/// </summary>
internal sealed class ErpNextApi : IApiSource
{
    private const int Fetchers = 16; // whole documents fetched at once per scope

    public IReadOnlyList<StagingColumn> Columns { get; } =
    [
        new("instance", CellKind.Text) { IsKey = true },
        new("doctype", CellKind.Text) { IsKey = true },
        new("name", CellKind.Text) { IsKey = true },
        new("kind", CellKind.Text) { IsKey = true },            // 'document' or 'deleted'
        new("modified", CellKind.DateTime) { IsVersion = true }, // the site's local time; a deletion's creation
        new("docstatus", CellKind.Number),
        new("document_data", CellKind.Json),
    ];

    // A copy of every instance a day, as the warehouse it replaces did, at night when nobody edits.
    public IReadOnlyList<string> PullTimes { get; } = ["02:30"];

    public IReadOnlyList<PluginOption> Options { get; } =
    [
        new("instance", "NAME", "Only this instance of erpnext.instances (default: all)"),
        new("doctype", "NAME", "Only this doctype (default: each instance's doctypes)"),
    ];

    public async Task<IReadOnlyList<PullScope>> ScopesAsync(PullContext context, CancellationToken ct)
    {
        var instances = ErpNextInstance.FromSettings(context.Settings);
        if (context.Options.TryGetValue("instance", out var only) && only != "all")
        {
            instances = instances.Where(i => string.Equals(i.Name, only, StringComparison.OrdinalIgnoreCase)).ToList();
            if (instances.Count == 0)
                throw new PluginUsageException($"--instance {only}: no such instance in erpnext.instances ({string.Join(", ", ErpNextInstance.FromSettings(context.Settings).Select(i => i.Name))})");
        }
        context.Options.TryGetValue("doctype", out var doctype);
        var scopes = new List<PullScope>();
        foreach (var instance in instances)
        {
            if (instance.Authorization() is not { } auth)
            {
                scopes.Add(new PullScope($"{instance.Name}/*") { Error = $"no credentials for instance {instance.Name}: set {instance.SecretVariables}" });
                continue;
            }
            IReadOnlyList<string> doctypes = instance.Doctypes;
            if (doctypes.Contains("*") && doctype is null)
            {
                try
                {
                    var listed = await new ErpNextClient(context.Http, instance, auth).ListAsync("DocType", ["name", "module", "istable", "issingle"],
                        [["istable", "=", 0], ["issingle", "=", 0]], "name asc", 0, 0, ct);
                    doctypes = listed.Select(d => d.GetProperty("name").GetString()!).ToList();
                }
                catch (ApiException e)
                {
                    scopes.Add(new PullScope($"{instance.Name}/*") { Error = e.Message });
                    continue;
                }
            }
            if (doctype is not null)
            {
                if (!doctypes.Contains("*") && !doctypes.Contains(doctype)) continue;
                doctypes = [doctype];
            }
            scopes.AddRange(doctypes.Select(d => new PullScope($"{instance.Name}/{d}")));
        }
        if (scopes.Count == 0 && doctype is not null)
            throw new PluginUsageException($"--doctype {doctype}: no instance pulls it (erpnext.instances[].doctypes)");
        return scopes;
    }

    public async Task<string?> PullAsync(PullContext context, string scope, string? cursorText, IRowSink rows, CancellationToken ct)
    {
        var slash = scope.IndexOf('/');
        var (name, doctype) = (scope[..slash], scope[(slash + 1)..]);
        var instance = ErpNextInstance.FromSettings(context.Settings).Single(i => i.Name == name);
        var client = new ErpNextClient(context.Http, instance, instance.Authorization() ?? throw new ApiException($"no credentials: set {instance.SecretVariables}"));
        var cursor = cursorText is null ? new Cursor(null, null, null) : JsonSerializer.Deserialize<Cursor>(cursorText)!;
        var size = instance.PageSize;
        string[] fields = ["name", "modified"];

        // Documents: the rest of those at the cursor's modified (after its name), then those modified later, page by page.
        var (modified, last) = (cursor.Modified, cursor.Name);
        while (true)
        {
            if (modified is not null)
            {
                while (true)
                {
                    var same = await client.ListAsync(doctype, fields, [["modified", "=", modified], ["name", ">", last!]], "name asc", 0, size, ct);
                    await AddDocumentsAsync(client, instance.Name, doctype, same, rows, ct);
                    if (same.Count > 0) last = same[^1].GetProperty("name").GetString();
                    if (same.Count < size) break;
                }
            }
            var page = await client.ListAsync(doctype, fields, modified is null ? [] : [["modified", ">", modified]], "modified asc,name asc", 0, size, ct);
            await AddDocumentsAsync(client, instance.Name, doctype, page, rows, ct);
            if (page.Count > 0) (modified, last) = (page[^1].GetProperty("modified").GetString(), page[^1].GetProperty("name").GetString());
            if (page.Count < size) break;
        }

        // Deletions: Deleted Document's entries for this doctype since the last one seen (>=: one created in the same
        // microsecond as the last is not lost; one seen again changes nothing).
        var deleted = cursor.Deleted;
        try
        {
            for (var start = 0; ; start += size)
            {
                object[][] filters = deleted is null ? [["deleted_doctype", "=", doctype]] : [["deleted_doctype", "=", doctype], ["creation", ">=", deleted]];
                var page = await client.ListAsync("Deleted Document", ["name", "deleted_name", "creation"], filters, "creation asc,name asc", start, size, ct);
                foreach (var d in page)
                {
                    var creation = d.GetProperty("creation").GetString()!;
                    rows.Add([instance.Name, doctype, d.GetProperty("deleted_name").GetString(), "deleted", SiteTime(creation), null, null]);
                }
                if (page.Count > 0) deleted = page[^1].GetProperty("creation").GetString();
                if (page.Count < size) break;
            }
        }
        catch (ApiException e) when (e.Status == 403)
        {
            context.Log($"{scope}: this user may not read Deleted Document; deletions are not pulled");
        }
        return JsonSerializer.Serialize(new Cursor(modified, last, deleted));
    }

    // Each listed document fetched whole, Fetchers at a time, added in list order.
    private static async Task AddDocumentsAsync(ErpNextClient client, string instance, string doctype, List<JsonElement> page, IRowSink rows, CancellationToken ct)
    {
        if (page.Count == 0) return;
        var documents = new JsonElement?[page.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, page.Count), new ParallelOptions { MaxDegreeOfParallelism = Fetchers, CancellationToken = ct },
            async (i, token) => documents[i] = await client.GetAsync(doctype, page[i].GetProperty("name").GetString()!, token));
        for (var i = 0; i < page.Count; i++)
        {
            if (documents[i] is not { } doc) continue; // deleted since it was listed: Deleted Document says so
            var modified = doc.TryGetProperty("modified", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : page[i].GetProperty("modified").GetString()!;
            decimal? docstatus = doc.TryGetProperty("docstatus", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDecimal() : null;
            rows.Add([instance, doctype, page[i].GetProperty("name").GetString(), "document", SiteTime(modified), docstatus, doc.GetRawText()]);
        }
    }

    // Frappe's datetime: the site's local time, microseconds, no zone ("2025-11-01 10:00:00.123456").
    private static DateTime SiteTime(string text) =>
        DateTime.TryParseExact(text, ["yyyy-MM-dd HH:mm:ss.ffffff", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFF"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t
            : throw new ApiException($"'{text}' is not a Frappe datetime (expected e.g. 2025-11-01 10:00:00.123456)");

    private sealed record Cursor(string? Modified, string? Name, string? Deleted);
}
