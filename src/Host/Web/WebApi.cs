using System.Text.Json;
using CrmEtl.Host.Cli;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using Sylvan.Data.Csv;

namespace CrmEtl.Host.Web;

/// <summary>
/// The read API (spec/web.md): sales per day, the stores' freshness, runs and failed downloads with the fix they
/// need, leads (and the one change an editor makes), ERP documents of granted instances, deals and their
/// aggregations. Lists take limit (≤ 1000) and offset and give their whole count in X-Total-Count.
/// </summary>
internal static class WebApi
{
    private const string TodayIst = "(now() at time zone 'Asia/Kolkata')::date";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/session", (HttpContext c, IAntiforgery antiforgery) =>
        {
            var user = WebServer.User(c);
            return Results.Json(new { name = user.Name, role = user.Role, instances = user.IsAdmin ? null : user.Instances,
                can_edit = user.CanEdit, csrf_token = antiforgery.GetAndStoreTokens(c).RequestToken });
        });
        api.MapGet("/sales/daily", SalesDailyAsync);
        api.MapGet("/stores", async (HttpContext c, WebServerOptions o) =>
        {
            var report = await o.Stores!(c.RequestAborted);
            return Results.Json(WebServer.User(c).IsAdmin ? report : report with { Stores = report.Stores.Select(s => s with { LastRunError = null }).ToList() });
        });
        api.MapGet("/runs", RunsAsync);
        api.MapGet("/downloads", DownloadsAsync);
        api.MapGet("/users", UsersAsync).RequireAuthorization("admin");

        api.MapGet("/leads", LeadsAsync);
        api.MapGet("/leads/funnel", FunnelAsync);
        api.MapGet("/leads/statuses", StatusesAsync);
        api.MapGet("/leads/export", ExportLeadsAsync);
        api.MapGet("/leads/{id:long}", async (HttpContext c, NpgsqlDataSource db, long id) => Results.Json(await LeadAsync(c, db, id)));
        api.MapMethods("/leads/{id:long}", ["PATCH"], UpdateLeadAsync).RequireAuthorization("editor");

        api.MapGet("/erp/instances", InstancesAsync);
        api.MapGet("/erp/{instance}/doctypes", DoctypesAsync);
        api.MapGet("/erp/{instance}/{doctype}", DocumentsAsync);
        api.MapGet("/erp/{instance}/{doctype}/{name}", DocumentAsync);

        api.MapGet("/deals/aggregations", AggregationsAsync);
        api.MapGet("/deals/accounts", AccountsAsync);
        api.MapGet("/deals/stages", StagesAsync);
        api.MapGet("/deals", DealsAsync);
    }

    private static IResult List(HttpContext c, List<Dictionary<string, object?>> rows)
    {
        // a window count(*) over () rides along as "total": the list's size before limit and offset
        var total = rows.Count > 0 && rows[0].Remove("total", out var t) ? Convert.ToInt64(t) : rows.Count;
        foreach (var row in rows.Skip(1)) row.Remove("total");
        c.Response.Headers["X-Total-Count"] = total.ToString();
        return Results.Json(rows);
    }

    // ---------------------------------------------------------------------------------------------------- sales
    private static async Task<IResult> SalesDailyAsync(HttpContext c, NpgsqlDataSource db)
    {
        var q = new ApiQuery(c);
        var to = q.Date("to") ?? CliDates.TodayInIndia();
        var from = q.Date("from") ?? to.AddDays(-29);
        if (from > to) throw ApiQuery.Bad("from", $"{from:yyyy-MM-dd} is after to ({to:yyyy-MM-dd})");
        if (to.DayNumber - from.DayNumber > 3660) throw ApiQuery.Bad("from", "a range is at most 10 years");
        var sql = $"""
            select order_date as date, cost_center, source_system, count(*) as orders,
                   coalesce(sum(net_amount), 0)::numeric(16,2)::text as net_amount
            from orders where order_date between {q.Add(from)} and {q.Add(to)}
            """;
        if (q.Text("cost_center") is { } cc) sql += $" and cost_center = {q.Add(cc)}";
        if (q.Text("source_system") is { } ss) sql += $" and source_system = {q.Add(ss)}";
        return Results.Json(await q.RowsAsync(db, sql + " group by 1, 2, 3 order by 1, 2, 3", c.RequestAborted));
    }

    // ---------------------------------------------------------------------------------------------------- runs
    private static async Task<IResult> RunsAsync(HttpContext c, NpgsqlDataSource db)
    {
        var q = new ApiQuery(c);
        var admin = WebServer.User(c).IsAdmin;
        var sql = $"""
            select run_id, crm, dataset, store, cost_center, scope, filename, from_date, to_date, status, rows_read, rows_rejected,
                   inserted_rows, updated_rows, unchanged_rows, started_at, finished_at, error_step,
                   {(admin ? "error_message, file_path" : "null::text as error_message, null::text as file_path")}, count(*) over () as total
            from ingest_audit
            """;
        if (q.OneOf("status", ["running", "succeeded", "failed", "no_data", "duplicate", "abandoned"]) is { } status) sql += $" where status = {q.Add(status)}";
        var rows = await q.RowsAsync(db, sql + " order by run_id desc" + q.Page(50), c.RequestAborted);
        foreach (var r in rows)
        {
            r["fix"] = RunFix((string)r["status"]!, r["error_step"] as string, (string)r["crm"]!, r["store"] as string, r["file_path"] as string);
            if (!admin) r.Remove("file_path");
        }
        return List(c, rows);
    }

    private static async Task<IResult> DownloadsAsync(HttpContext c, NpgsqlDataSource db)
    {
        var q = new ApiQuery(c);
        var admin = WebServer.User(c).IsAdmin;
        var sql = $"""
            select id, crm, store, dataset, filename, from_date, to_date, status, failure_kind, downloaded_at, ingest_run_id,
                   {(admin ? "error_message" : "null::text as error_message")}, count(*) over () as total
            from download_ledger
            """;
        if (q.OneOf("status", ["downloaded", "skipped", "failed", "duplicate"]) is { } status) sql += $" where status = {q.Add(status)}";
        var rows = await q.RowsAsync(db, sql + " order by id desc" + q.Page(50), c.RequestAborted);
        foreach (var r in rows)
            r["fix"] = (string)r["status"]! == "failed" ? RunFix("failed", r["failure_kind"] as string, (string)r["crm"]!, r["store"] as string, null) : null;
        return List(c, rows);
    }

    /// <summary>What a person does about a run that did not succeed (the home page shows it beside the run).</summary>
    public static string? RunFix(string status, string? step, string crm, string? store, string? file)
    {
        var scope = store is null ? $"--crm {crm}" : $"--crm {crm} --store {store}";
        return (status, step) switch
        {
            (not ("failed" or "abandoned"), _) => null,
            ("abandoned", _) => $"its process died; run it again: ./crm-etl download {scope}",
            (_, "session_expired" or "login") => $"the portal's saved session has expired; a person logs in once: {Commands.BootstrapCommand.For(crm, store ?? "ID")}",
            (_, "login_failed") => $"the portal refused the stored login; fix it (profiles/{crm}_{store ?? "ID"}.login.json or the CRMETL_LOGIN_ variables) or log in once: {Commands.BootstrapCommand.For(crm, store ?? "ID")}",
            (_, "portal_unavailable" or "timeout") => $"the portal did not answer in time; the next scheduled run tries again (or ./crm-etl download {scope})",
            (_, "parse" or "bad_file") => $"the file could not be read and is kept{(file is null ? "" : $" ({file})")}; download it again or fix it: ./crm-etl ingest {scope} --file PATH",
            (_, "pull" or "fetch") => $"the source's API refused or failed; ./crm-etl pull --crm {crm} tries again",
            _ => "see the run's error (admins) and crm-etl.log; ./crm-etl status",
        };
    }

    private static async Task<IResult> UsersAsync(HttpContext c, NpgsqlDataSource db) =>
        Results.Json((await WebUsers.ListAsync(db, c.RequestAborted)).Select(u => new
        {
            name = u.User.Name, role = u.User.Role, instances = u.User.IsAdmin ? "all (admin)" : u.User.InstancesText, has_token = u.HasToken, created_at = u.Created,
        }));

    // ---------------------------------------------------------------------------------------------------- leads
    private const string LeadColumns = """
        lead_id, full_name, phone, email, city, child_age, lead_date, lead_source, lead_type, status, priority, assigned_to,
        next_follow_up, status_changed_at, notes, cleaning_notes, source_file, source_sheet, source_row
        """;

    private static string LeadsWhere(ApiQuery q, List<string> statuses)
    {
        var where = new List<string>();
        if (q.OneOf("status", statuses) is { } status) where.Add($"status = {q.Add(status)}");
        if (q.OneOf("priority", ["Low", "Medium", "High", "Urgent"]) is { } priority) where.Add($"priority = {q.Add(priority)}");
        if (q.Flag("due")) where.Add($"next_follow_up <= {TodayIst}");
        if (q.Text("assigned_to") is { } owner)
            where.Add(owner.Equals("none", StringComparison.OrdinalIgnoreCase) ? "assigned_to is null" : $"lower(assigned_to) = lower({q.Add(owner)})");
        if (q.Text("q") is { } text)
        {
            var like = q.Add(ApiQuery.Contains(text));
            where.Add($"(full_name ilike {like} or phone like {like} or email ilike {like})");
        }
        return where.Count == 0 ? "" : " where " + string.Join(" and ", where);
    }

    private static async Task<List<string>> LeadStatusesAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select status from lead_statuses order by position");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var statuses = new List<string>();
        while (await reader.ReadAsync(ct)) statuses.Add(reader.GetString(0));
        return statuses;
    }

    private static async Task<IResult> LeadsAsync(HttpContext c, NpgsqlDataSource db)
    {
        // the count on its own: a window count(*) over 100,000 leads would sort them all, where a page needs the first 50
        var statuses = await LeadStatusesAsync(db, c.RequestAborted);
        var q = new ApiQuery(c);
        var rows = await q.RowsAsync(db, $"select {LeadColumns} from leads{LeadsWhere(q, statuses)} order by next_follow_up nulls last, lead_id" + q.Page(), c.RequestAborted);
        var n = new ApiQuery(c);
        var total = await n.RowAsync(db, $"select count(*) as total from leads{LeadsWhere(n, statuses)}", c.RequestAborted);
        c.Response.Headers["X-Total-Count"] = total!["total"]!.ToString();
        return Results.Json(rows);
    }

    private static async Task<IResult> StatusesAsync(HttpContext c, NpgsqlDataSource db) =>
        Results.Json(await new ApiQuery(c).RowsAsync(db, "select status, position, follow_up_days from lead_statuses order by position", c.RequestAborted));

    private static async Task<IResult> FunnelAsync(HttpContext c, NpgsqlDataSource db) =>
        Results.Json(await new ApiQuery(c).RowsAsync(db, $"""
            select s.status, s.position, count(l.lead_id) as leads,
                   count(*) filter (where l.next_follow_up = {TodayIst}) as due_today,
                   count(*) filter (where l.next_follow_up < {TodayIst}) as overdue
            from lead_statuses s left join leads l on l.status = s.status
            group by s.status, s.position order by s.position
            """, c.RequestAborted));

    // What the page shows, as a CSV for a spreadsheet (the same filters, no limit).
    private static async Task ExportLeadsAsync(HttpContext c, NpgsqlDataSource db)
    {
        var q = new ApiQuery(c);
        var where = LeadsWhere(q, await LeadStatusesAsync(db, c.RequestAborted));
        // times as IST wall clock and dates as yyyy-MM-dd, which is what a spreadsheet shows its readers
        var columns = LeadColumns.Replace("status_changed_at", "to_char(status_changed_at at time zone 'Asia/Kolkata', 'YYYY-MM-DD HH24:MI:SS') as status_changed_at_ist")
            .Replace("lead_date", "lead_date::text as lead_date").Replace("next_follow_up,", "next_follow_up::text as next_follow_up,");
        await using var cmd = q.Command(db, $"select {columns} from leads{where} order by next_follow_up nulls last, lead_id");
        await using var reader = await cmd.ExecuteReaderAsync(c.RequestAborted);
        c.Response.ContentType = "text/csv; charset=utf-8";
        c.Response.Headers.ContentDisposition = $"attachment; filename=\"leads-{CliDates.TodayInIndia():yyyy-MM-dd}.csv\"";
        await using var text = new StreamWriter(c.Response.Body, new System.Text.UTF8Encoding(false), leaveOpen: true);
        await using var csv = CsvDataWriter.Create(text);
        await csv.WriteAsync(reader, c.RequestAborted);
    }

    private static async Task<Dictionary<string, object?>> LeadAsync(HttpContext c, NpgsqlDataSource db, long id)
    {
        var q = new ApiQuery(c);
        var lead = await q.RowAsync(db, $"select {LeadColumns} from leads where lead_id = {q.Add(id)}", c.RequestAborted)
                   ?? throw new ApiException(404, $"there is no lead {id}");
        var h = new ApiQuery(c);
        lead["history"] = await h.RowsAsync(db, $"""
            select old_status, new_status, note, changed_by, changed_at from lead_status_history
            where lead_id = {h.Add(id)} order by changed_at desc, history_id desc
            """, c.RequestAborted);
        return lead;
    }

    private sealed record LeadChange(string? Status, string? Priority, string? Note, string? AssignedTo);

    private static async Task<IResult> UpdateLeadAsync(HttpContext c, NpgsqlDataSource db, IAntiforgery antiforgery, long id)
    {
        // a change made with the page's cookie carries the page's anti-forgery token; a script's bearer token needs none
        if (!c.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            await antiforgery.ValidateRequestAsync(c);
        LeadChange? change;
        try
        {
            change = await c.Request.ReadFromJsonAsync<LeadChange>(new JsonSerializerOptions(JsonSerializerDefaults.Web)
                { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow }, c.RequestAborted);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // System.Text.Json's message names .NET types; the client hears which field or where, in its terms
            var unknown = System.Text.RegularExpressions.Regex.Match(e.Message, "property '([^']*)' could not be mapped");
            throw new ApiException(400, unknown.Success
                ? $"body: unknown field '{unknown.Groups[1].Value}'; the fields are status, priority, note and assigned_to"
                : $"body: not a JSON object of status, priority, note and assigned_to (strings){(e is JsonException { Path: { } path } ? $" at {path}" : "")}");
        }
        if (change is null || (change.Status, change.Priority, change.Note, change.AssignedTo) is (null or "", null or "", null or "", null or ""))
            throw new ApiException(400, "body: nothing to change; give status, priority, note or assigned_to");
        if ((change.Note?.Length ?? 0) > 2000) throw ApiQuery.Bad("note", "is longer than 2000 characters");
        if ((change.AssignedTo?.Length ?? 0) > 100) throw ApiQuery.Bad("assigned_to", "is longer than 100 characters");

        await using var cmd = db.CreateCommand("select old_status, new_status from lead_update($1, $2, $3, $4, $5, $6)");
        cmd.Parameters.AddWithValue(id);
        foreach (var value in new[] { Blank(change.Status), Blank(change.Priority), Blank(change.AssignedTo), Blank(change.Note), WebServer.User(c).Name })
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        try
        {
            if (await cmd.ExecuteScalarAsync(c.RequestAborted) is null) throw new ApiException(404, $"there is no lead {id}");
        }
        catch (PostgresException e) when (e.SqlState == "22023")
        {
            throw new ApiException(400, e.MessageText); // names the field and its allowed values
        }
        Logging.Log.Info("web", "lead.updated", $"{WebServer.User(c).Name} changed lead {id}");
        return Results.Json(await LeadAsync(c, db, id));
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    // ---------------------------------------------------------------------------------------------------- ERP
    private static async Task<IResult> InstancesAsync(HttpContext c, NpgsqlDataSource db)
    {
        var user = WebServer.User(c);
        var rows = await new ApiQuery(c).RowsAsync(db, """
            select instance, count(*) filter (where deleted_at is null) as documents, count(distinct doctype) as doctypes, max(modified) as last_modified
            from erp_documents group by instance order by instance
            """, c.RequestAborted);
        return Results.Json(rows.Where(r => user.MaySee((string)r["instance"]!)).ToList());
    }

    // An instance not granted is answered as one that does not exist.
    private static void Granted(HttpContext c, string instance)
    {
        if (instance.Length > 200 || !WebServer.User(c).MaySee(instance)) throw new ApiException(404, $"there is no ERP instance '{Cut(instance)}'");
    }

    private static string Cut(string s) => s.Length <= 60 ? s : s[..60] + "…";

    private static async Task<IResult> DoctypesAsync(HttpContext c, NpgsqlDataSource db, string instance)
    {
        Granted(c, instance);
        var q = new ApiQuery(c);
        var rows = await q.RowsAsync(db, $"""
            select doctype, count(*) filter (where deleted_at is null) as documents, count(*) filter (where deleted_at is not null) as deleted,
                   max(modified) as last_modified
            from erp_documents where instance = {q.Add(instance)} group by doctype order by doctype
            """, c.RequestAborted);
        return rows.Count == 0 ? throw new ApiException(404, $"there is no ERP instance '{Cut(instance)}'") : Results.Json(rows);
    }

    private static async Task<IResult> DocumentsAsync(HttpContext c, NpgsqlDataSource db, string instance, string doctype)
    {
        Granted(c, instance);
        var q = new ApiQuery(c);
        var (i, d) = (q.Add(instance), q.Add(doctype));
        var sql = $"""
            select name, modified, docstatus, deleted_at, count(*) over () as total
            from erp_documents where instance = {i} and doctype = {d}
            """;
        if (q.Moment("modified_since") is { } since) sql += $" and modified >= {q.Add(since, NpgsqlTypes.NpgsqlDbType.Timestamp)}";
        if (q.Moment("modified_until") is { } until) sql += $" and modified <= {q.Add(until, NpgsqlTypes.NpgsqlDbType.Timestamp)}";
        if (q.Text("q") is { } text) sql += $" and name ilike {q.Add(ApiQuery.Contains(text))}";
        if (!q.Flag("deleted")) sql += " and deleted_at is null";
        var rows = await q.RowsAsync(db, sql + " order by modified desc, name" + q.Page(), c.RequestAborted);
        if (rows.Count == 0)
        {
            var e = new ApiQuery(c);
            if (await e.RowAsync(db, $"select 1 as found from erp_documents where instance = {e.Add(instance)} and doctype = {e.Add(doctype)} limit 1", c.RequestAborted) is null)
                throw new ApiException(404, $"ERP instance '{Cut(instance)}' has no doctype '{Cut(doctype)}'");
        }
        return List(c, rows);
    }

    private static async Task<IResult> DocumentAsync(HttpContext c, NpgsqlDataSource db, string instance, string doctype, string name)
    {
        Granted(c, instance);
        await using var cmd = db.CreateCommand("select document_data::text from erp_documents where instance = $1 and doctype = $2 and name = $3");
        cmd.Parameters.AddWithValue(instance);
        cmd.Parameters.AddWithValue(doctype);
        cmd.Parameters.AddWithValue(name);
        return await cmd.ExecuteScalarAsync(c.RequestAborted) is string json
            ? Results.Text(json, "application/json; charset=utf-8")
            : throw new ApiException(404, $"there is no {Cut(doctype)} '{Cut(name)}' in ERP instance '{Cut(instance)}'");
    }

    // ---------------------------------------------------------------------------------------------------- deals
    private static async Task<long?> AccountAsync(HttpContext c, NpgsqlDataSource db, ApiQuery q)
    {
        if (q.Integer("account_id", 0, int.MaxValue) is not { } id) return null;
        var e = new ApiQuery(c);
        return await e.RowAsync(db, $"select 1 as found from accounts where account_id = {e.Add((int)id)}", c.RequestAborted) is null
            ? throw new ApiException(404, $"there is no account {id}")
            : id;
    }

    private static async Task<IResult> AggregationsAsync(HttpContext c, NpgsqlDataSource db)
    {
        var q = new ApiQuery(c);
        var type = q.OneOf("type", ["daily", "weekly", "monthly"]) ?? throw ApiQuery.Bad("type", "is required: daily, weekly or monthly");
        var sql = $"""
            select g.account_id, a.account_name, g.aggregation_type, g.aggregation_date, g.total_deal_size, g.deal_count, count(*) over () as total
            from deal_aggregations g join accounts a using (account_id) where g.aggregation_type = {q.Add(type)}
            """;
        if (await AccountAsync(c, db, q) is { } account) sql += $" and g.account_id = {q.Add((int)account)}";
        if (q.Date("from") is { } from) sql += $" and g.aggregation_date >= {q.Add(from)}";
        if (q.Date("to") is { } to) sql += $" and g.aggregation_date <= {q.Add(to)}";
        return List(c, await q.RowsAsync(db, sql + " order by g.aggregation_date, g.account_id" + q.Page(1000), c.RequestAborted));
    }

    private static async Task<IResult> AccountsAsync(HttpContext c, NpgsqlDataSource db)
    {
        var q = new ApiQuery(c);
        return List(c, await q.RowsAsync(db, """
            select a.account_id, a.account_name, a.industry, a.region::text as region, a.account_value,
                   count(d.deal_id) as deals, coalesce(sum(d.deal_size), 0) as total_deal_size, count(*) over () as total
            from accounts a left join deals d on d.account_id = a.account_id
            group by a.account_id, a.account_name, a.industry, a.region, a.account_value order by a.account_name, a.account_id
            """ + q.Page(), c.RequestAborted));
    }

    private static async Task<IResult> StagesAsync(HttpContext c, NpgsqlDataSource db)
    {
        var q = new ApiQuery(c);
        var sql = "select deal_stage::text as deal_stage, count(*) as deals, coalesce(sum(deal_size), 0) as total_deal_size from deals";
        if (await AccountAsync(c, db, q) is { } account) sql += $" where account_id = {q.Add((int)account)}";
        return Results.Json(await q.RowsAsync(db, sql + " group by deal_stage order by deal_stage", c.RequestAborted));
    }

    private static async Task<IResult> DealsAsync(HttpContext c, NpgsqlDataSource db)
    {
        var q = new ApiQuery(c);
        var sql = """
            select d.deal_id, d.deal_name, d.deal_size, d.probability_of_closure, d.deal_stage::text as deal_stage, d.account_id, a.account_name,
                   d.created_at, d.updated_at, count(*) over () as total
            from deals d join accounts a using (account_id) where true
            """;
        if (q.OneOf("stage", ["Prospecting", "Negotiation", "Closed-Won", "Closed-Lost"]) is { } stage) sql += $" and d.deal_stage::text = {q.Add(stage)}";
        if (await AccountAsync(c, db, q) is { } account) sql += $" and d.account_id = {q.Add((int)account)}";
        return List(c, await q.RowsAsync(db, sql + " order by d.created_at desc, d.deal_id" + q.Page(), c.RequestAborted));
    }
}
