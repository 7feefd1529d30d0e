using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CrmEtl.Sandbox;

/// <summary>
/// A stand-in for an ERPNext (Frappe) site's REST API as sources.md section 3 describes it: token auth, list calls
/// with fields, filters, order_by and limit_start/limit_page_length (20 when not given, 0 = all), whole documents
/// with child tables, DocType and Deleted Document, Frappe's error bodies, and knobs for what goes wrong.
/// </summary>
public sealed class ErpNextSite
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _docs = new(StringComparer.Ordinal);
    private readonly List<JsonObject> _deleted = [];
    private DateTime _clock = new(2025, 11, 1, 9, 0, 0);
    private int _requests;

    public string Key { get; set; } = "sandbox-key";

    public string Secret { get; set; } = "sandbox-secret";

    /// <summary>Doctypes this user may not read (403 PermissionError).</summary>
    public HashSet<string> Denied { get; } = new(StringComparer.Ordinal);

    /// <summary>Every Nth request answers 429 with Retry-After: 1 (0: never).</summary>
    public int TooManyEvery { get; set; }

    /// <summary>Every Nth request answers 503 (0: never).</summary>
    public int ServerErrorEvery { get; set; }

    /// <summary>How long each whole-document GET takes (a slow site, for a pull to be killed half-way).</summary>
    public TimeSpan DocumentDelay { get; set; }

    /// <summary>Whole-document GETs served, for tests that count.</summary>
    public int DocumentGets;

    public ErpNextSite()
    {
        foreach (var (name, module, istable, issingle) in new[]
                 {
                     ("Sales Invoice", "Accounts", 0, 0), ("Customer", "Selling", 0, 0), ("Item Group/Sub", "Stock", 0, 0),
                     ("Sales Invoice Item", "Accounts", 1, 0), ("System Settings", "Core", 0, 1),
                 }.Concat(OtherDoctypes.Select(d => (d, "Other", 0, 0))))
        {
            _docs[name] = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            Put("DocType", new JsonObject { ["name"] = name, ["module"] = module, ["istable"] = istable, ["issingle"] = issingle }, "2025-01-01 00:00:00.000000");
        }
    }

    /// <summary>The site's clock: each write moves it on by a few milliseconds (the site's local time, microseconds).</summary>
    public string Tick(double milliseconds = 7.5)
    {
        lock (_gate)
        {
            _clock = _clock.AddTicks((long)(milliseconds * TimeSpan.TicksPerMillisecond));
            return Stamp(_clock);
        }
    }

    public static string Stamp(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    /// <summary>Adds or replaces a document, stamped <paramref name="modified"/> (default: the clock moved on).</summary>
    public void Put(string doctype, JsonObject doc, string? modified = null)
    {
        lock (_gate)
        {
            var name = doc["name"]!.GetValue<string>();
            if (!_docs.TryGetValue(doctype, out var docs)) _docs[doctype] = docs = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            var stamp = modified ?? Tick();
            doc["doctype"] = doctype;
            doc["modified"] = stamp;
            doc["creation"] ??= docs.TryGetValue(name, out var old) ? old["creation"]!.DeepClone() : stamp;
            doc["docstatus"] ??= 0;
            docs[name] = doc;
        }
    }

    /// <summary>Deletes a document as Frappe does: gone from its doctype, listed in Deleted Document.</summary>
    public void Delete(string doctype, string name)
    {
        lock (_gate)
        {
            if (!_docs[doctype].Remove(name)) throw new KeyNotFoundException(name);
            var stamp = Tick();
            _deleted.Add(new JsonObject
            {
                ["name"] = $"DEL-{_deleted.Count + 1:D6}", ["deleted_doctype"] = doctype, ["deleted_name"] = name, ["creation"] = stamp, ["modified"] = stamp,
            });
        }
    }

    public IReadOnlyList<JsonObject> All(string doctype)
    {
        lock (_gate) return _docs[doctype].Values.Select(d => (JsonObject)d.DeepClone()).ToList();
    }

    public JsonObject? Get(string doctype, string name)
    {
        lock (_gate) return _docs.TryGetValue(doctype, out var docs) && docs.TryGetValue(name, out var doc) ? (JsonObject)doc.DeepClone() : null;
    }

    /// <summary>
    /// Sales Invoices (with items) over <paramref name="days"/> days from 2025-11-01 and their customers; every 40th
    /// block of 250 invoices shares one modified (a bulk edit), a tenth are drafts and a twentieth cancelled.
    /// </summary>
    public void Seed(int invoices, int days = 30, int customers = 60)
    {
        for (var c = 0; c < customers; c++)
            Put("Customer", new JsonObject { ["name"] = c % 9 == 0 ? $"A/B Traders {c}" : $"Customer {c:D4}", ["customer_group"] = c % 2 == 0 ? "Retail" : "Wholesale" });
        string? bulk = null;
        for (var i = 0; i < invoices; i++)
        {
            if (i % 10_000 == 0) bulk = Tick(); // a bulk edit stamps 250 invoices alike
            var stamp = i % 10_000 < 250 ? bulk : null;
            Put("Sales Invoice", Invoice(i, days, customers), stamp);
        }
    }

    /// <summary>Further doctypes a site may carry (a stock, buying and accounting mix), for a pull across many.</summary>
    public static readonly IReadOnlyList<string> OtherDoctypes =
        ["Item", "Supplier", "Purchase Invoice", "Delivery Note", "Journal Entry", "Payment Entry", "Stock Entry", "Quotation"];

    /// <summary>
    /// <paramref name="documents"/> documents over Sales Invoice, Customer and the first <paramref name="others"/> of
    /// <see cref="OtherDoctypes"/>, as evenly as they divide; the others are small documents, half with a child table.
    /// </summary>
    public void SeedMany(int documents, int others)
    {
        var doctypes = OtherDoctypes.Take(others).ToList();
        var share = documents / (doctypes.Count + 2);
        Seed(share, days: 30, customers: share);
        for (var d = 0; d < doctypes.Count; d++)
        {
            var count = d == doctypes.Count - 1 ? documents - share * (doctypes.Count + 1) : share;
            for (var i = 0; i < count; i++)
            {
                var doc = new JsonObject
                {
                    ["name"] = $"{doctypes[d].ToUpperInvariant().Replace(' ', '-')}-{i + 1:D6}",
                    ["title"] = $"{doctypes[d]} {i}",
                    ["posting_date"] = new DateOnly(2025, 11, 1).AddDays(i % 30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["docstatus"] = i % 7 == 0 ? 0 : 1,
                    ["amount"] = 100m + i % 997,
                };
                if (i % 2 == 0)
                    doc["items"] = new JsonArray(new JsonObject { ["idx"] = 1, ["item_code"] = $"ITEM-{i % 40:D3}", ["qty"] = 1 + i % 3 });
                Put(doctypes[d], doc);
            }
        }
    }

    public static JsonObject Invoice(int i, int days, int customers, decimal extra = 0)
    {
        var items = new JsonArray();
        decimal net = 0;
        for (var k = 0; k < 1 + i % 4; k++)
        {
            var qty = 1 + (i + k) % 5;
            var rate = 120.5m + (i * 7 + k * 13) % 900;
            var amount = qty * rate;
            net += amount;
            items.Add(new JsonObject
            {
                ["doctype"] = "Sales Invoice Item", ["idx"] = k + 1, ["item_code"] = $"ITEM-{(i + k) % 40:D3}", ["qty"] = qty, ["rate"] = rate, ["amount"] = amount,
            });
        }
        net += extra;
        var customer = i % customers;
        return new JsonObject
        {
            ["name"] = $"ACC-SINV-2025-{i + 1:D6}",
            ["customer"] = customer % 9 == 0 ? $"A/B Traders {customer}" : $"Customer {customer:D4}",
            ["posting_date"] = new DateOnly(2025, 11, 1).AddDays(i % days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["docstatus"] = i % 20 == 19 ? 2 : i % 10 == 3 ? 0 : 1,
            ["net_total"] = net,
            ["grand_total"] = Math.Round(net * 1.18m, 2),
            ["currency"] = "INR",
            ["items"] = items,
        };
    }

    /// <summary>Answers one request: (status, JSON body, Retry-After seconds or null).</summary>
    public (int Status, string Body, int? RetryAfter) Handle(string? authorization, string doctype, string? name, IReadOnlyDictionary<string, string> query)
    {
        var n = Interlocked.Increment(ref _requests);
        if (TooManyEvery > 0 && n % TooManyEvery == 0) return (429, """{"exc_type":"TooManyRequestsError"}""", 1);
        if (ServerErrorEvery > 0 && n % ServerErrorEvery == 0) return (503, """{"exc_type":"ServiceUnavailable"}""", null);
        if (authorization != $"token {Key}:{Secret}") return (401, """{"exc_type":"AuthenticationError","exception":"frappe.exceptions.AuthenticationError"}""", null);
        if (Denied.Contains(doctype)) return (403, $$"""{"exc_type":"PermissionError","exception":"frappe.exceptions.PermissionError: No permission for {{doctype}}"}""", null);
        lock (_gate)
        {
            IEnumerable<JsonObject> rows;
            if (doctype == "Deleted Document") rows = _deleted;
            else if (_docs.TryGetValue(doctype, out var docs)) rows = docs.Values;
            else return (404, $$"""{"exc_type":"DoesNotExistError","exception":"DocType {{doctype}} not found"}""", null);

            if (name is not null)
            {
                var doc = doctype == "Deleted Document"
                    ? rows.FirstOrDefault(d => d["name"]!.GetValue<string>() == name)
                    : _docs[doctype].GetValueOrDefault(name);
                if (doc is null) return (404, $$"""{"exc_type":"DoesNotExistError","exception":"{{doctype}} {{name}} not found"}""", null);
                Interlocked.Increment(ref DocumentGets);
                return (200, new JsonObject { ["data"] = doc.DeepClone() }.ToJsonString(), null);
            }

            var filters = query.TryGetValue("filters", out var f) ? JsonNode.Parse(f)!.AsArray() : [];
            foreach (var filter in filters)
            {
                var parts = filter!.AsArray();
                var (field, op, value) = parts.Count == 4 ? (parts[1]!, parts[2]!, parts[3]) : (parts[0]!, parts[1]!, parts[2]);
                var fieldName = field.GetValue<string>();
                var opText = op.GetValue<string>();
                rows = rows.Where(d => Matches(d[fieldName], opText, value)).ToList();
            }
            var order = query.TryGetValue("order_by", out var o) ? o : "modified desc";
            IOrderedEnumerable<JsonObject>? sorted = null;
            foreach (var term in order.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var bits = term.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var key = bits[0].Trim('`');
                var desc = bits.Length > 1 && bits[1].Equals("desc", StringComparison.OrdinalIgnoreCase);
                Func<JsonObject, string> by = d => d[key]?.ToString() ?? "";
                sorted = sorted is null
                    ? desc ? rows.OrderByDescending(by, StringComparer.Ordinal) : rows.OrderBy(by, StringComparer.Ordinal)
                    : desc ? sorted.ThenByDescending(by, StringComparer.Ordinal) : sorted.ThenBy(by, StringComparer.Ordinal);
            }
            var start = query.TryGetValue("limit_start", out var s) ? int.Parse(s, CultureInfo.InvariantCulture) : 0;
            var length = query.TryGetValue("limit_page_length", out var l) ? int.Parse(l, CultureInfo.InvariantCulture) : 20;
            var page = (sorted ?? rows).Skip(start);
            if (length > 0) page = page.Take(length);
            var fields = query.TryGetValue("fields", out var fl) ? JsonNode.Parse(fl)!.AsArray().Select(x => x!.GetValue<string>()).ToArray() : ["name"];
            var data = new JsonArray(page.Select(d =>
            {
                var row = new JsonObject();
                foreach (var field in fields) row[field] = d[field]?.DeepClone();
                return (JsonNode)row;
            }).ToArray());
            return (200, new JsonObject { ["data"] = data }.ToJsonString(), null);
        }
    }

    private static bool Matches(JsonNode? actual, string op, JsonNode? expected)
    {
        int compare;
        if (actual is JsonValue a && expected is JsonValue e && a.TryGetValue<decimal>(out var x) && e.TryGetValue<decimal>(out var y)) compare = x.CompareTo(y);
        else compare = string.CompareOrdinal(actual?.ToString() ?? "", expected?.ToString() ?? "");
        return op switch
        {
            "=" => compare == 0,
            "!=" => compare != 0,
            ">" => compare > 0,
            ">=" => compare >= 0,
            "<" => compare < 0,
            "<=" => compare <= 0,
            _ => throw new ArgumentException($"operator {op}"),
        };
    }

    /// <summary>Maps the REST API onto <paramref name="app"/>.</summary>
    public void Map(WebApplication app)
    {
        app.MapGet("/api/resource/{doctype}/{**name}", async (HttpContext http, string doctype, string name) =>
        {
            if (DocumentDelay > TimeSpan.Zero) await Task.Delay(DocumentDelay);
            return Answer(http, doctype, name);
        });
        app.MapGet("/api/resource/{doctype}", (HttpContext http, string doctype) => Answer(http, doctype, null));
    }

    private IResult Answer(HttpContext http, string doctype, string? name)
    {
        var query = http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
        var (status, body, retryAfter) = Handle(http.Request.Headers.Authorization.ToString(), Uri.UnescapeDataString(doctype),
            name is null ? null : Uri.UnescapeDataString(name), query);
        if (retryAfter is { } seconds) http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Results.Text(body, "application/json", statusCode: status);
    }
}
