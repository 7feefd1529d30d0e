using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CrmEtl.Sandbox;

/// <summary>
/// A stand-in for the CRM's REST API as sources.md section 4 describes it: Bearer token, pages of an entity updated
/// since a time (ordered by updated_at, then id; per_page at most 100), one record, PATCH with 404 and 422, and knobs
/// for 429 (Retry-After) and 5xx.
/// </summary>
public sealed class CrmApiSite
{
    private static readonly Dictionary<string, string> Keys = new() { ["accounts"] = "account_id", ["contacts"] = "contact_id", ["deals"] = "deal_id" };
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, JsonObject>> _records = Keys.Keys.ToDictionary(k => k, _ => new Dictionary<string, JsonObject>());
    private DateTime _clock = new(2025, 11, 1, 8, 0, 0, DateTimeKind.Utc);
    private int _requests;

    public string Token { get; set; } = "sandbox-crm-token";

    /// <summary>Every Nth request answers 429 with Retry-After: 1 (0: never).</summary>
    public int TooManyEvery { get; set; }

    /// <summary>Every Nth request answers 502 (0: never).</summary>
    public int ServerErrorEvery { get; set; }

    /// <summary>Called when a list page is served (entity, page): a test changes records mid-pull with it.</summary>
    public Action<string, int>? OnPage { get; set; }

    public string Tick()
    {
        lock (_gate)
        {
            _clock = _clock.AddSeconds(1);
            return _clock.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Adds or replaces a record, stamped with a new updated_at.</summary>
    public void Put(string entity, JsonObject record)
    {
        lock (_gate)
        {
            record["updated_at"] = Tick();
            _records[entity][record[Keys[entity]]!.ToString()] = record;
        }
    }

    public JsonObject? Get(string entity, string id)
    {
        lock (_gate) return _records[entity].TryGetValue(id, out var r) ? (JsonObject)r.DeepClone() : null;
    }

    public IReadOnlyList<JsonObject> All(string entity)
    {
        lock (_gate) return _records[entity].Values.Select(r => (JsonObject)r.DeepClone()).ToList();
    }

    private static readonly string[] Regions = ["North America", "Europe", "Asia"];
    private static readonly string[] Industries = ["Tech", "Retail", "Finance", "Health", "Logistics"];
    private static readonly string[] Sources = ["Website", "Referral", "Email Campaign"];
    private static readonly string[] Stages = ["Prospecting", "Negotiation", "Closed-Won", "Closed-Lost"];

    /// <summary>Accounts 1..n, contacts, and deals spread over October and November 2025 across the accounts.</summary>
    public void Seed(int accounts, int contacts, int deals)
    {
        for (var a = 1; a <= accounts; a++)
            Put("accounts", new JsonObject
            {
                ["account_id"] = a, ["account_name"] = $"Account {a} {(a % 5 == 0 ? "Ltd." : "Corp")}", ["industry"] = Industries[a % Industries.Length],
                ["account_value"] = 10_000 * (a % 90 + 1), ["region"] = Regions[a % Regions.Length],
            });
        for (var c = 1; c <= contacts; c++)
            Put("contacts", new JsonObject
            {
                ["contact_id"] = $"C-{c:D5}", ["first_name"] = c % 7 == 0 ? "José" : "Ana", ["last_name"] = $"Lima {c}",
                ["email"] = $"Person{c}@Example.com", ["job_title"] = c % 3 == 0 ? null : "Buyer", ["lead_source"] = Sources[c % Sources.Length],
                ["last_contact_date"] = c % 4 == 0 ? null : new DateOnly(2025, 10, 1).AddDays(c % 50).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            });
        for (var d = 1; d <= deals; d++)
            Put("deals", Deal(d, 1 + d % Math.Max(1, accounts)));
    }

    public static JsonObject Deal(int id, int account, int? size = -1) => new()
    {
        ["deal_id"] = id,
        ["deal_name"] = id % 3 == 0 ? "Renewal" : $"New business {id}",
        ["deal_size"] = size == -1 ? (id % 6 == 0 ? null : 1000 + id * 37 % 50_000) : size,
        ["probability_of_closure"] = $"{id * 10 % 100}%",
        ["deal_stage"] = Stages[id % Stages.Length],
        ["account_id"] = account,
        // Sundays, month ends and midnight UTC are among them: the periods' edges
        ["created_at"] = new DateTime(2025, 10, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(id * 7 % (61 * 24)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
    };

    public void Map(WebApplication app)
    {
        app.MapGet("/api/v1/{entity}", (HttpContext http, string entity) => Answer(http, () => List(entity, http.Request.Query)));
        app.MapGet("/api/v1/{entity}/{id}", (HttpContext http, string entity, string id) => Answer(http, () => One(entity, id)));
        app.MapMethods("/api/v1/{entity}/{id}", ["PATCH"], async (HttpContext http, string entity, string id) =>
        {
            var body = await JsonNode.ParseAsync(http.Request.Body) as JsonObject;
            return Answer(http, () => Patch(entity, id, body));
        });
    }

    private IResult Answer(HttpContext http, Func<(int, JsonObject)> handle)
    {
        var n = Interlocked.Increment(ref _requests);
        if (TooManyEvery > 0 && n % TooManyEvery == 0)
        {
            http.Response.Headers.RetryAfter = "1";
            return Results.Json(new { error = "rate limited" }, statusCode: 429);
        }
        if (ServerErrorEvery > 0 && n % ServerErrorEvery == 0) return Results.Json(new { error = "bad gateway" }, statusCode: 502);
        if (http.Request.Headers.Authorization.ToString() != $"Bearer {Token}") return Results.Json(new { error = "invalid token" }, statusCode: 401);
        var (status, body) = handle();
        return Results.Text(body.ToJsonString(), "application/json", statusCode: status);
    }

    private (int, JsonObject) List(string entity, IQueryCollection query)
    {
        if (!_records.ContainsKey(entity)) return (404, new JsonObject { ["error"] = $"no such resource {entity}" });
        var page = int.TryParse(query["page"], out var p) && p > 0 ? p : 1;
        var perPage = Math.Min(100, int.TryParse(query["per_page"], out var pp) && pp > 0 ? pp : 25);
        DateTimeOffset? since = DateTimeOffset.TryParse(query["updated_since"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var s) ? s : null;
        List<JsonObject> rows;
        lock (_gate)
            rows = _records[entity].Values
                .Where(r => since is null || DateTimeOffset.Parse(r["updated_at"]!.GetValue<string>(), CultureInfo.InvariantCulture) >= since)
                .OrderBy(r => r["updated_at"]!.GetValue<string>(), StringComparer.Ordinal)
                .ThenBy(r => r[Keys[entity]]!.ToString(), StringComparer.Ordinal)
                .Select(r => (JsonObject)r.DeepClone())
                .ToList();
        OnPage?.Invoke(entity, page);
        var data = new JsonArray(rows.Skip((page - 1) * perPage).Take(perPage).Select(r => (JsonNode)r).ToArray());
        return (200, new JsonObject
        {
            ["data"] = data,
            ["meta"] = new JsonObject { ["page"] = page, ["per_page"] = perPage, ["total"] = rows.Count, ["total_pages"] = (rows.Count + perPage - 1) / perPage },
        });
    }

    private (int, JsonObject) One(string entity, string id) =>
        _records.ContainsKey(entity) && Get(entity, id) is { } r ? (200, new JsonObject { ["data"] = r }) : (404, new JsonObject { ["error"] = "not found" });

    private (int, JsonObject) Patch(string entity, string id, JsonObject? changes)
    {
        if (!_records.ContainsKey(entity) || Get(entity, id) is not { } record) return (404, new JsonObject { ["error"] = "not found" });
        if (changes is null) return (422, new JsonObject { ["error"] = "the body must be a JSON object" });
        foreach (var (field, value) in changes)
        {
            if (!record.ContainsKey(field) || field == Keys[entity] || field == "updated_at")
                return (422, new JsonObject { ["error"] = $"unknown or read-only field {field}" });
            if (field == "deal_stage" && !Stages.Contains(value?.ToString())) return (422, new JsonObject { ["error"] = $"invalid deal_stage {value}" });
            record[field] = value?.DeepClone();
        }
        Put(entity, record);
        return (200, new JsonObject { ["data"] = Get(entity, id) });
    }
}
