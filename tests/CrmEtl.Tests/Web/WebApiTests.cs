using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmEtl.Tests.Support;
using Npgsql;

namespace CrmEtl.Tests.Web;

/// <summary>
/// The read API (spec/web.md) over HTTP on the real PostgreSQL: every endpoint, sums equal to SQL to the paisa, each
/// role and grant, 400/401/403/404, parameters that try SQL injection, tokens replaced and users removed, the
/// throttled login, and the server's database role refused everything but reading and the leads.
/// </summary>
public sealed class WebApiTests(WebFixture web) : IClassFixture<WebFixture>
{
    private static async Task<JsonElement> GetAsync(HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"GET {path}: {(int)response.StatusCode} {body}");
        Assert.DoesNotContain("   at ", body); // never a stack trace
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static string Error(JsonElement e) => e.GetProperty("error").GetString()!;

    [Fact]
    public async Task Nothing_but_healthz_is_served_without_a_login()
    {
        using var anonymous = web.Client();
        anonymous.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        using var health = await anonymous.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok", await health.Content.ReadAsStringAsync());
        string[] paths = ["/api/v1/sales/daily", "/api/v1/stores", "/api/v1/runs", "/api/v1/leads", "/api/v1/leads/1", "/api/v1/erp/instances",
            "/api/v1/erp/north/doctypes", "/api/v1/erp/north/Customer", "/api/v1/erp/north/Customer/Customer%201", "/api/v1/deals/aggregations?type=daily",
            "/api/v1/users", "/api/v1/session", "/api/v1/leads/export", "/api/v1/no-such-thing"];
        foreach (var path in paths)
        {
            using var response = await anonymous.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{path}: {(int)response.StatusCode}");
        }
        // a page or its script asked for by a browser is sent to the login form
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(web.Url) };
        foreach (var path in new[] { "/", "/leads", "/erp", "/deals", "/assets/app.js", "/assets/vendor/chart.umd.min.js" })
        {
            using var page = await browser.GetAsync(path);
            Assert.True(page.StatusCode == HttpStatusCode.Redirect, $"{path}: {(int)page.StatusCode}");
            Assert.StartsWith("/login", page.Headers.Location!.PathAndQuery);
        }
        using var wrong = web.Client();
        wrong.DefaultRequestHeaders.Authorization = new("Bearer", web.Users["vera"].Token[..^2] + "xx");
        Assert.Equal("the token is missing, unknown or replaced", Error(await GetAsync(wrong, "/api/v1/stores", HttpStatusCode.Unauthorized)));
    }

    [Fact]
    public async Task Sales_per_day_equal_the_orders_to_the_paisa()
    {
        using var client = web.Client("vera");
        var today = WebFixture.TodayIst;
        var from = today.AddDays(-35);
        var api = await GetAsync(client, $"/api/v1/sales/daily?from={from:yyyy-MM-dd}&to={today:yyyy-MM-dd}");
        var sql = await Db.RowsAsync(web.Cs, """
            select order_date::text, cost_center, source_system, count(*), coalesce(sum(net_amount), 0)
            from orders where order_date between $1 and $2 group by 1, 2, 3 order by 1, 2, 3
            """, from, today);
        Assert.Equal(sql.Count, api.GetArrayLength());
        Assert.True(sql.Count > 100, $"{sql.Count} days x cost centers");
        decimal apiTotal = 0;
        foreach (var (row, expected) in api.EnumerateArray().Zip(sql))
        {
            Assert.Equal(expected[0], row.GetProperty("date").GetString());
            Assert.Equal(expected[1], row.GetProperty("cost_center").GetString());
            Assert.Equal(expected[2], row.GetProperty("source_system").GetString());
            Assert.Equal((long)expected[3]!, row.GetProperty("orders").GetInt64());
            var amount = row.GetProperty("net_amount");
            Assert.Equal(JsonValueKind.String, amount.ValueKind); // exact: a string, two decimals
            Assert.Matches(@"^-?\d+\.\d\d$", amount.GetString());
            Assert.Equal((decimal)expected[4]!, decimal.Parse(amount.GetString()!, CultureInfo.InvariantCulture));
            apiTotal += decimal.Parse(amount.GetString()!, CultureInfo.InvariantCulture);
        }
        Assert.Equal(await Db.ScalarAsync<decimal>(web.Cs, "select sum(net_amount) from orders where order_date between $1 and $2", from, today), apiTotal);

        // the default window is the last 30 days (IST), and cost_center narrows it to one store
        var last30 = await GetAsync(client, "/api/v1/sales/daily?cost_center=SL1610");
        var days = last30.EnumerateArray().Select(r => DateOnly.Parse(r.GetProperty("date").GetString()!, CultureInfo.InvariantCulture)).ToList();
        Assert.All(last30.EnumerateArray(), r => Assert.Equal("SL1610", r.GetProperty("cost_center").GetString()));
        Assert.Equal(today, days.Max());
        Assert.Equal(today.AddDays(-29), days.Min());
        Assert.Equal(28, days.Count); // two of the 30 days it sold nothing
    }

    [Fact]
    public async Task A_bad_parameter_is_a_400_naming_it()
    {
        using var client = web.Client("ada");
        (string Path, string Names)[] cases =
        [
            ("/api/v1/sales/daily?from=2025-13-01", "from"), ("/api/v1/sales/daily?to=yesterday", "to"),
            ("/api/v1/sales/daily?from=2025-11-12&to=2025-11-01", "from"), ("/api/v1/runs?limit=5000", "limit"),
            ("/api/v1/runs?limit=0", "limit"), ("/api/v1/leads?offset=-1", "offset"), ("/api/v1/leads?status=Hot", "status"),
            ("/api/v1/leads?due=maybe", "due"), ("/api/v1/leads?priority=asap", "priority"), ("/api/v1/deals/aggregations", "type"),
            ("/api/v1/deals/aggregations?type=yearly", "type"), ("/api/v1/deals/aggregations?type=daily&account_id=abc", "account_id"),
            ("/api/v1/erp/north/Customer?modified_since=last week", "modified_since"), ("/api/v1/runs?status=broken", "status"),
        ];
        foreach (var (path, name) in cases)
            Assert.StartsWith(name + ":", Error(await GetAsync(client, path, HttpStatusCode.BadRequest)));
        Assert.Contains("New Lead, Initial Contact", Error(await GetAsync(client, "/api/v1/leads?status=Hot", HttpStatusCode.BadRequest)));
    }

    [Fact]
    public async Task Parameters_that_try_sql_injection_are_values_and_nothing_more()
    {
        using var client = web.Client("ada");
        var leads = await Db.ScalarAsync<long>(web.Cs, "select count(*) from leads");
        Assert.Equal(0, (await GetAsync(client, "/api/v1/sales/daily?cost_center=" + Uri.EscapeDataString("UN3668' or '1'='1"))).GetArrayLength());
        Assert.Equal(0, (await GetAsync(client, "/api/v1/leads?q=" + Uri.EscapeDataString("%' or 1=1; delete from leads; --"))).GetArrayLength());
        Assert.Equal(0, (await GetAsync(client, "/api/v1/leads?assigned_to=" + Uri.EscapeDataString("x') or ('a'='a"))).GetArrayLength());
        // % and _ are letters in a search, not wildcards
        Assert.Equal(0, (await GetAsync(client, "/api/v1/leads?q=%25%25")).GetArrayLength());
        await GetAsync(client, "/api/v1/erp/" + Uri.EscapeDataString("north'; drop table leads; --") + "/doctypes", HttpStatusCode.NotFound);
        await GetAsync(client, "/api/v1/erp/north/" + Uri.EscapeDataString("Customer' or '1'='1"), HttpStatusCode.NotFound);
        Assert.Equal(leads, await Db.ScalarAsync<long>(web.Cs, "select count(*) from leads"));
        Assert.Equal(300, leads);
    }

    [Fact]
    public async Task The_stores_runs_and_downloads_say_what_failed_and_the_fix_and_only_an_admin_sees_error_details()
    {
        using var admin = web.Client("ada");
        using var viewer = web.Client("vera");
        var stores = await GetAsync(viewer, "/api/v1/stores");
        Assert.Equal(4, stores.GetProperty("stores").GetArrayLength());
        var a668 = stores.GetProperty("stores").EnumerateArray().Single(s => s.GetProperty("store").GetString() == "a668");
        Assert.Equal(1200, a668.GetProperty("orders").GetInt64());
        Assert.Equal("succeeded", a668.GetProperty("last_run_status").GetString());

        var runs = await GetAsync(admin, "/api/v1/runs?limit=10");
        Assert.Equal(3, runs.GetArrayLength());
        var failed = runs.EnumerateArray().Single(r => r.GetProperty("status").GetString() == "failed");
        Assert.Contains("column \"Net Amount\"", failed.GetProperty("error_message").GetString());
        Assert.Contains("./crm-etl ingest --crm uc --store sector56", failed.GetProperty("fix").GetString());
        Assert.Contains("/var/crm-etl/failed/UC_sector56.xlsx", failed.GetProperty("fix").GetString());
        Assert.Contains("download --crm td --store a817", runs.EnumerateArray().Single(r => r.GetProperty("status").GetString() == "abandoned").GetProperty("fix").GetString());

        var seen = await GetAsync(viewer, "/api/v1/runs?status=failed");
        Assert.Equal(JsonValueKind.Null, seen[0].GetProperty("error_message").ValueKind);
        Assert.False(seen[0].TryGetProperty("file_path", out _));
        Assert.DoesNotContain("/var/crm-etl", seen[0].GetProperty("fix").GetString());

        var downloads = await GetAsync(viewer, "/api/v1/downloads?status=failed");
        Assert.Equal("./crm-etl bootstrap --crm td --store a817", downloads[0].GetProperty("fix").GetString()!.Split(": ")[^1]);
        using var paged = await admin.GetAsync("/api/v1/runs?limit=1&offset=1");
        Assert.Equal("3", paged.Headers.GetValues("X-Total-Count").Single());
        Assert.Single(JsonDocument.Parse(await paged.Content.ReadAsStringAsync()).RootElement.EnumerateArray());
    }

    [Fact]
    public async Task Leads_filter_like_sql_and_the_funnel_counts_each_status()
    {
        using var client = web.Client("vera");
        using var response = await client.GetAsync("/api/v1/leads?status=Follow%20Up%201&limit=1000");
        var leads = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var expected = await Db.ScalarAsync<long>(web.Cs, "select count(*) from leads where status = 'Follow Up 1'");
        Assert.Equal(expected, leads.GetArrayLength());
        Assert.Equal(expected.ToString(), response.Headers.GetValues("X-Total-Count").Single());

        var due = await GetAsync(client, "/api/v1/leads?due=true&assigned_to=priya&limit=1000");
        Assert.Equal(await Db.ScalarAsync<long>(web.Cs, "select count(*) from leads where next_follow_up <= (now() at time zone 'Asia/Kolkata')::date and assigned_to = 'Priya'"),
            due.GetArrayLength());
        Assert.All(due.EnumerateArray(), l => Assert.True(DateOnly.Parse(l.GetProperty("next_follow_up").GetString()!, CultureInfo.InvariantCulture) <= WebFixture.TodayIst));
        var named = await GetAsync(client, "/api/v1/leads?q=o%27brien");
        Assert.Equal(50, named.GetArrayLength());
        Assert.Equal(100, (await GetAsync(client, "/api/v1/leads?assigned_to=none&limit=1000")).GetArrayLength());

        var funnel = await GetAsync(client, "/api/v1/leads/funnel");
        Assert.Equal(9, funnel.GetArrayLength());
        Assert.Equal(300, funnel.EnumerateArray().Sum(s => s.GetProperty("leads").GetInt64()));
        Assert.Equal(await Db.ScalarAsync<long>(web.Cs, "select count(*) from leads where next_follow_up < (now() at time zone 'Asia/Kolkata')::date"),
            funnel.EnumerateArray().Sum(s => s.GetProperty("overdue").GetInt64()));

        using var csv = await client.GetAsync("/api/v1/leads/export?status=Member");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("lead_id,full_name,phone", lines[0]);
        Assert.Equal(await Db.ScalarAsync<long>(web.Cs, "select count(*) from leads where status = 'Member'") + 1, lines.Length);
    }

    [Fact]
    public async Task Only_an_editor_changes_a_lead_and_the_change_is_in_its_history()
    {
        var id = await Db.ScalarAsync<long>(web.Cs, "select min(lead_id) from leads where status = 'New Lead'");
        using var viewer = web.Client("vera");
        using var refused = await viewer.PatchAsJsonAsync($"/api/v1/leads/{id}", new { status = "Follow Up 1" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var editor = web.Client("ed");
        using var changed = await editor.PatchAsJsonAsync($"/api/v1/leads/{id}", new { status = "follow up 1", note = "called, ring on Monday", priority = "High" });
        var lead = JsonDocument.Parse(await changed.Content.ReadAsStringAsync()).RootElement;
        Assert.True(changed.IsSuccessStatusCode, lead.ToString());
        Assert.Equal("Follow Up 1", lead.GetProperty("status").GetString());
        Assert.Equal(WebFixture.TodayIst.AddDays(5).ToString("yyyy-MM-dd"), lead.GetProperty("next_follow_up").GetString());
        var row = (await Db.RowsAsync(web.Cs, "select old_status, new_status, note, changed_by from lead_status_history where lead_id = $1", id)).Single();
        Assert.Equal(["New Lead", "Follow Up 1", "called, ring on Monday; priority High", "ed"], row);
        Assert.Equal("High", await Db.ScalarAsync<string>(web.Cs, "select priority from leads where lead_id = $1", id));

        Assert.StartsWith("status 'Hot'", Error(await PatchAsync(editor, id, """{"status":"Hot"}""", HttpStatusCode.BadRequest)));
        Assert.Contains("unknown field 'colour'", Error(await PatchAsync(editor, id, """{"colour":"red"}""", HttpStatusCode.BadRequest)));
        Assert.StartsWith("body:", Error(await PatchAsync(editor, id, "{}", HttpStatusCode.BadRequest)));
        Assert.StartsWith("body:", Error(await PatchAsync(editor, id, """{"status":5}""", HttpStatusCode.BadRequest)));
        await PatchAsync(editor, 987654321, """{"status":"Member"}""", HttpStatusCode.NotFound);
        Assert.Single(await Db.RowsAsync(web.Cs, "select 1 from lead_status_history where lead_id = $1", id));
    }

    private static async Task<JsonElement> PatchAsync(HttpClient client, long id, string json, HttpStatusCode expected)
    {
        using var response = await client.PatchAsync($"/api/v1/leads/{id}", new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task Erp_instances_not_granted_do_not_exist_for_the_user()
    {
        using var viewer = web.Client("vera");
        using var editor = web.Client("ed");
        using var admin = web.Client("ada");
        string[] Names(JsonElement e) => e.EnumerateArray().Select(i => i.GetProperty("instance").GetString()!).ToArray();
        Assert.Equal(["north"], Names(await GetAsync(viewer, "/api/v1/erp/instances")));
        Assert.Equal(["north", "south"], Names(await GetAsync(editor, "/api/v1/erp/instances")));
        Assert.Equal(["east", "north", "south"], Names(await GetAsync(admin, "/api/v1/erp/instances")));

        // the same answer as for an instance that does not exist at all
        var notGranted = Error(await GetAsync(viewer, "/api/v1/erp/south/doctypes", HttpStatusCode.NotFound));
        Assert.Equal("there is no ERP instance 'south'", notGranted);
        Assert.Equal("there is no ERP instance 'west'", Error(await GetAsync(admin, "/api/v1/erp/west/doctypes", HttpStatusCode.NotFound)));
        await GetAsync(viewer, "/api/v1/erp/south/Sales%20Invoice", HttpStatusCode.NotFound);
        await GetAsync(viewer, "/api/v1/erp/south/Sales%20Invoice/SINV-S-00001", HttpStatusCode.NotFound);
        await GetAsync(editor, "/api/v1/erp/east/Sales%20Invoice/SINV-E-00001", HttpStatusCode.NotFound);
        await GetAsync(admin, "/api/v1/erp/east/Sales%20Invoice/SINV-E-00001");
    }

    [Fact]
    public async Task Erp_doctypes_documents_and_one_document_are_as_stored()
    {
        using var client = web.Client("vera");
        var doctypes = await GetAsync(client, "/api/v1/erp/north/doctypes");
        var invoices = doctypes.EnumerateArray().Single(d => d.GetProperty("doctype").GetString() == "Sales Invoice");
        Assert.Equal(147, invoices.GetProperty("documents").GetInt64()); // 150, 3 of them deleted
        Assert.Equal(3, invoices.GetProperty("deleted").GetInt64());
        Assert.Equal(17, doctypes.EnumerateArray().Single(d => d.GetProperty("doctype").GetString() == "Customer").GetProperty("documents").GetInt64());

        using var page = await client.GetAsync("/api/v1/erp/north/Sales%20Invoice?modified_since=2025-10-10&modified_until=2025-10-12T23:59:59&limit=5");
        var expected = await Db.ScalarAsync<long>(web.Cs, """
            select count(*) from erp_documents where instance = 'north' and doctype = 'Sales Invoice' and deleted_at is null
              and modified between '2025-10-10' and '2025-10-12 23:59:59'
            """);
        Assert.Equal(expected.ToString(), page.Headers.GetValues("X-Total-Count").Single());
        Assert.Equal(5, JsonDocument.Parse(await page.Content.ReadAsStringAsync()).RootElement.GetArrayLength());
        var found = await GetAsync(client, "/api/v1/erp/north/Sales%20Invoice?q=N-0012");
        Assert.Equal(10, found.GetArrayLength()); // SINV-N-00120 .. 00129
        Assert.Equal(150, (await GetAsync(client, "/api/v1/erp/north/Sales%20Invoice?deleted=true&limit=1000")).GetArrayLength());

        var doc = await GetAsync(client, "/api/v1/erp/north/Sales%20Invoice/SINV-N-00007");
        Assert.Equal("SINV-N-00007", doc.GetProperty("name").GetString());
        Assert.Equal(962.5m, doc.GetProperty("grand_total").GetDecimal());
        Assert.Equal(2, doc.GetProperty("items").GetArrayLength());
        var stored = await Db.ScalarAsync<string>(web.Cs, "select document_data::text from erp_documents where instance = 'north' and name = 'SINV-N-00007'");
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(stored).RootElement, doc));
        await GetAsync(client, "/api/v1/erp/north/Sales%20Invoice/SINV-N-99999", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deal_aggregations_stages_and_accounts_equal_the_tables()
    {
        using var client = web.Client("vera");
        foreach (var type in new[] { "daily", "weekly", "monthly" })
        {
            var api = await GetAsync(client, $"/api/v1/deals/aggregations?type={type}&limit=1000");
            var sql = await Db.RowsAsync(web.Cs, "select count(*), sum(total_deal_size), sum(deal_count) from deal_aggregations where aggregation_type = $1", type);
            Assert.Equal((long)sql[0][0]!, api.GetArrayLength());
            Assert.Equal((double)sql[0][1]!, api.EnumerateArray().Sum(r => r.GetProperty("total_deal_size").GetDouble()), 6);
            Assert.Equal((long)sql[0][2]!, api.EnumerateArray().Sum(r => r.GetProperty("deal_count").GetInt64()));
        }
        var one = await GetAsync(client, "/api/v1/deals/aggregations?type=monthly&account_id=3");
        Assert.All(one.EnumerateArray(), r => Assert.Equal(3, r.GetProperty("account_id").GetInt32()));
        Assert.Equal(await Db.ScalarAsync<long>(web.Cs, "select sum(deal_size) from deals where account_id = 3"),
            (long)one.EnumerateArray().Sum(r => r.GetProperty("total_deal_size").GetDouble()));
        await GetAsync(client, "/api/v1/deals/aggregations?type=monthly&account_id=999", HttpStatusCode.NotFound);

        var stages = await GetAsync(client, "/api/v1/deals/stages");
        Assert.Equal(120, stages.EnumerateArray().Sum(s => s.GetProperty("deals").GetInt64()));
        Assert.Equal(6, (await GetAsync(client, "/api/v1/deals/accounts")).GetArrayLength());
        Assert.Equal(30, (await GetAsync(client, "/api/v1/deals?stage=Closed-Won&limit=1000")).GetArrayLength());
    }

    [Fact]
    public async Task Users_are_for_admins_and_a_replaced_token_or_removed_user_is_refused()
    {
        using var viewer = web.Client("vera");
        await GetAsync(viewer, "/api/v1/users", HttpStatusCode.Forbidden);
        var users = await GetAsync(web.Client("ada"), "/api/v1/users");
        Assert.Equal(["ada", "ed", "vera"], users.EnumerateArray().Select(u => u.GetProperty("name").GetString()!).ToArray());
        Assert.DoesNotContain("password", users.ToString());

        // only hashes are stored: neither the password nor the token's secret is in the tables
        var stored = string.Join("|", (await Db.RowsAsync(web.Cs, "select u.password_hash, t.secret_hash, t.token_id from web_users u join web_tokens t on t.user_name = u.name")).SelectMany(r => r));
        foreach (var (password, token) in web.Users.Values)
        {
            Assert.DoesNotContain(password, stored);
            Assert.DoesNotContain(token.Split('.')[1], stored);
        }

        await using var db = NpgsqlDataSource.Create(web.Cs);
        await CrmEtl.Host.Web.WebUsers.AddAsync(db, "temp", "viewer", ["north"], "a long password", default);
        var first = (await CrmEtl.Host.Web.WebUsers.NewTokenAsync(db, "temp", default))!;
        using var client = web.Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", first);
        await GetAsync(client, "/api/v1/session");
        var second = (await CrmEtl.Host.Web.WebUsers.NewTokenAsync(db, "temp", default))!;
        await GetAsync(client, "/api/v1/session", HttpStatusCode.Unauthorized);
        client.DefaultRequestHeaders.Authorization = new("Bearer", second);
        Assert.Equal("temp", (await GetAsync(client, "/api/v1/session")).GetProperty("name").GetString());
        await CrmEtl.Host.Web.WebUsers.RemoveAsync(db, "temp", default);
        await GetAsync(client, "/api/v1/session", HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_servers_database_role_only_reads_except_the_leads()
    {
        await using var conn = new NpgsqlConnection(web.ServerCs);
        await conn.OpenAsync();
        foreach (var sql in new[] { "delete from orders", "update ingest_audit set status = 'failed'", "insert into web_users (name, role, password_hash) values ('x', 'admin', 'x')",
                     "drop table erp_documents", "create table t (x int)" })
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            var e = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
            Assert.True(e.SqlState is "42501" or "42P01", $"{sql}: {e.SqlState} {e.MessageText}"); // permission denied
        }
        await using var read = new NpgsqlCommand("select count(*) from orders", conn);
        Assert.True((long)(await read.ExecuteScalarAsync())! > 4000);
        await using var lead = new NpgsqlCommand("update leads set notes = notes where lead_id = (select min(lead_id) from leads)", conn);
        Assert.Equal(1, await lead.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task A_login_sets_a_strict_http_only_cookie_and_repeated_attempts_are_throttled()
    {
        var (app, url) = await web.StartAsync(loginsPerMinute: 3);
        await using var _ = app;
        using var client = WebLogin.Client(url);
        Task<HttpResponseMessage> LoginAsync(string password, bool withToken = true) => WebLogin.PostAsync(client, "ed", password, withToken, "/leads");
        using (var noToken = await LoginAsync(web.Users["ed"].Password, withToken: false)) Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        using (var wrong = await LoginAsync("wrong password")) Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using (var right = await LoginAsync(web.Users["ed"].Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
            Assert.Equal("/leads", right.Headers.Location!.OriginalString);
            var cookie = right.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("crmetl.session="));
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Equal("ed", (await GetAsync(client, "/api/v1/session")).GetProperty("name").GetString());
        // a cookie's change needs the page's anti-forgery token
        using (var forged = await client.PatchAsync("/api/v1/leads/1", JsonContent.Create(new { note = "forged" })))
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using (var throttled = await LoginAsync(web.Users["ed"].Password)) Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
    }
}
