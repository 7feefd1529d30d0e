using System.Diagnostics;
using System.Globalization;
using System.Net;
using CrmEtl.Host;
using CrmEtl.Host.Browser;
using CrmEtl.Host.Commands;
using CrmEtl.Host.Config;
using CrmEtl.Host.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using Npgsql;


// The web page and the API (issue 17): each page loaded in real Chromium on a warehouse of 1M orders, 100k leads and
// 100k ERP documents (the goal's sizes; --web-orders scales them), until its data is drawn (body[data-ready]), and each API call the pages make.
internal sealed partial class BenchRunner
{
    private double? _slowestPage;

    private async Task WebAsync(int orders)
    {
        var db = await FreshDatabaseAsync("web_bench");
        await RunHostAsync(db, "migrate");
        var clock = Stopwatch.StartNew();
        await using (var conn = new NpgsqlConnection(_cluster.ConnectionString(db)))
        {
            await conn.OpenAsync();
            // an int, formatted: a command of several statements takes no parameters
            // per 1M orders: 100k leads, 100k ERP documents, 30k deals (a small run scales them down alike)
            var sql = WebSeed.Replace("{orders}", orders.ToString(CultureInfo.InvariantCulture)).Replace("{leads}", (orders / 10).ToString(CultureInfo.InvariantCulture))
                .Replace("{documents}", Math.Max(1, orders / 100).ToString(CultureInfo.InvariantCulture)).Replace("{deals}", Math.Max(300, orders * 3 / 100).ToString(CultureInfo.InvariantCulture));
            await using var seed = new NpgsqlCommand(sql, conn) { CommandTimeout = 3600 };
            await seed.ExecuteNonQueryAsync();
            // a warehouse in use has been vacuumed (index-only scans need the visibility map a bulk insert leaves unset)
            await using var vacuum = new NpgsqlCommand("vacuum (analyze)", conn) { CommandTimeout = 3600 };
            await vacuum.ExecuteNonQueryAsync();
        }
        var seeded = clock.Elapsed.TotalSeconds;

        var owner = _cluster.ConnectionString(db);
        var password = Guid.NewGuid().ToString("N");
        await using (var data = NpgsqlDataSource.Create(owner)) await WebUsers.AddAsync(data, "bench", "admin", null, password, default);
        var serverCs = await WebDatabaseRole.EnsureAsync(owner, default);
        var host = new HostContext(new CrmEtlPaths(_home, Path.Combine(_root, "sql"), [Path.Combine(_root, "artifacts", "host", "plugins")]));
        await using var app = WebServer.Build(new WebServerOptions(serverCs, Path.Combine(_home, "web-keys"), IPAddress.Loopback, 0,
            Stores: ct => StatusCommand.ReportAsync(host, serverCs, ct)));
        await app.StartAsync();
        var url = app.Urls.First();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserHost.LaunchAsync(playwright, new BrowserConfig(), headless: true, "bench", default);
        var context = await browser.Browser.NewContextAsync(new() { BaseURL = url });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("#name", "bench");
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("body[data-ready]", new() { Timeout = 60_000 });

        _report.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"## Web pages and API (`serve`) on {orders:N0} orders, {orders / 10:N0} leads, {Math.Max(1, orders / 100) * 10:N0} ERP documents (seeded in {seeded:0} s)")).AppendLine();
        _report.AppendLine("| page | load until its data is drawn, median of 5 (warm) s | slowest of 5 s |");
        _report.AppendLine("|---|---:|---:|");
        double slowest = 0;
        foreach (var path in new[] { "/", "/leads", "/erp", "/erp#north/Sales%20Invoice", "/deals" })
        {
            var times = new List<double>();
            for (var i = 0; i < 6; i++)
            {
                await page.GotoAsync("about:blank");
                var watch = Stopwatch.StartNew();
                await page.GotoAsync(path);
                await page.WaitForSelectorAsync("body[data-ready]", new() { Timeout = 60_000 });
                if (path.Contains('#')) await page.WaitForSelectorAsync("#documents table", new() { Timeout = 60_000 });
                if (i > 0) times.Add(watch.Elapsed.TotalSeconds); // the first warms the server's caches
            }
            slowest = Math.Max(slowest, Median(times));
            _report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| `{path}` | {Median(times):0.000} | {times.Max():0.000} |"));
        }
        if (orders >= 1_000_000) _slowestPage = slowest; // the goal's size

        _report.AppendLine().AppendLine("| API call (bearer token) | median of 5 s | rows |").AppendLine("|---|---:|---:|");
        await using (var data = NpgsqlDataSource.Create(owner))
        {
            var token = await WebUsers.NewTokenAsync(data, "bench", default);
            using var client = new HttpClient { BaseAddress = new Uri(url) };
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
            foreach (var call in new[] { "/api/v1/sales/daily", "/api/v1/stores", "/api/v1/runs?limit=25", "/api/v1/leads?limit=50", "/api/v1/leads?q=sharma&due=true",
                         "/api/v1/leads/funnel", "/api/v1/erp/instances", "/api/v1/erp/north/doctypes", "/api/v1/erp/north/Sales%20Invoice?q=Sale-0099&modified_since=2024-01-15",
                         "/api/v1/deals/aggregations?type=daily&limit=1000", "/api/v1/deals/accounts?limit=1000" })
            {
                var times = new List<double>();
                var rows = 0;
                for (var i = 0; i < 6; i++)
                {
                    var watch = Stopwatch.StartNew();
                    var body = await client.GetStringAsync(call);
                    if (i > 0) times.Add(watch.Elapsed.TotalSeconds);
                    rows = body.StartsWith('[') ? System.Text.Json.JsonDocument.Parse(body).RootElement.GetArrayLength() : 1;
                }
                _report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| `{call}` | {Median(times):0.000} | {rows:N0} |"));
            }
        }
        _report.AppendLine();
    }

    // Orders as the portals' reports give them (4 stores, two years, a payload of the report's columns), leads in every
    // status, ERP documents of 2 instances x 5 doctypes with child tables, 300 accounts with 30,000 deals, 20,000 runs.
    private const string WebSeed = """
        select setseed(0.17);
        insert into orders (cost_center, source_system, source_store_code, source_order_id, source_invoice_no, order_datetime, order_date,
                            customer_name, customer_mobile, gross_amount, discount_amount, taxable_amount, tax_amount, net_amount,
                            payment_status, order_status, source_payload, source_hash)
        select cc, sys, code, code || '-' || n, 'INV/' || n, d + time '09:30' + (n % 660) * interval '1 minute', d,
               'Customer ' || (n % 50000), (9000000000 + n % 999999999)::text, g, round(g * 0.05, 2), round(g * 0.95, 2), round(g * 0.95 * 0.18, 2), round(g * 0.95 * 1.18, 2),
               (array['Paid', 'Unpaid', 'Partial'])[1 + n % 3], (array['Delivered', 'Ready', 'In Process', 'Cancelled'])[1 + n % 4],
               jsonb_build_object('Order No', code || '-' || n, 'Order Date', to_char(d, 'DD Mon YYYY'), 'Customer Name', 'Customer ' || (n % 50000),
                   'Mobile No', (9000000000 + n % 999999999)::text, 'Address', 'House ' || n % 500 || ', Sector ' || n % 80 || ', Gurugram',
                   'Garments', n % 12 + 1, 'Services', 'Dry Clean, Steam Iron', 'Gross', g::text, 'Discount', round(g * 0.05, 2)::text,
                   'Payment Mode', (array['Cash', 'UPI', 'Card'])[1 + n % 3], 'Delivery Date', to_char(d + 3, 'DD Mon YYYY'), 'Remarks', 'handle with care',
                   'Store', code, 'Package', 'Standard', 'Coupon', null, 'Created By', 'counter ' || n % 5),
               md5(n::text)
        from (select n, (array['UN3668', 'KN3817', 'SC3567', 'SL1610'])[1 + n / 7 % 4] as cc, (array['TD', 'TD', 'UC', 'UC'])[1 + n / 7 % 4] as sys,
                     (array['a668', 'a817', 'UC567', 'UC610'])[1 + n / 7 % 4] as code,
                     (now() at time zone 'Asia/Kolkata')::date - (n % 730) as d, round((random() * 3000 + 49)::numeric, 2) as g
              from generate_series(1, {orders}) n) o;

        insert into ingest_audit (crm, dataset, store, store_code, cost_center, filename, from_date, to_date, status, rows_read, inserted_rows,
                                  started_at, finished_at, error_step, error_message)
        select (array['td', 'td', 'uc', 'uc'])[1 + n % 4], 'orders', (array['a668', 'a817', 'sector56', 'sushantlok1'])[1 + n % 4],
               (array['a668', 'a817', 'UC567', 'UC610'])[1 + n % 4], (array['UN3668', 'KN3817', 'SC3567', 'SL1610'])[1 + n % 4], 'report-' || n || '.xlsx',
               current_date - n / 16, current_date - n / 16, case when n % 23 = 0 then 'failed' else 'succeeded' end, 300, 20,
               now() - n * interval '45 minutes', now() - n * interval '45 minutes' + interval '20 seconds',
               case when n % 23 = 0 then 'parse' end, case when n % 23 = 0 then 'row 12, column "Amount": not a number' end
        from generate_series(1, 20000) n;

        insert into leads (full_name, phone, email, city, lead_source, status, priority, assigned_to, next_follow_up, source_file, source_sheet, source_row)
        select (array['Asha', 'Vikram', 'Neha', 'Rahul', 'Zoya', 'Imran', 'Priya', 'Arjun'])[1 + n % 8] || ' ' || (array['Sharma', 'Verma', 'Khan', 'Rao', 'Singh'])[1 + n % 5],
               '9' || lpad(n::text, 9, '0'), 'lead' || n || '@example.com', (array['Delhi', 'Gurugram', 'Noida'])[1 + n % 3], (array['Website', 'Walk-in', 'Referral'])[1 + n % 3],
               (select status from lead_statuses order by position offset n % 9 limit 1), (array['Low', 'Medium', 'High', 'Urgent'])[1 + n % 4],
               (array['Priya', 'Rahul', 'Sunita', null])[1 + n % 4], (now() at time zone 'Asia/Kolkata')::date + (n % 60) - 30,
               'Leads-' || n % 20 || '.xlsx', 'Sheet' || n % 5, n % 5000
        from generate_series(1, {leads}) n;

        insert into erp_documents (instance, doctype, name, modified, docstatus, document_data, deleted_at)
        select i, t, left(t, 4) || '-' || lpad(n::text, 6, '0'), timestamp '2024-01-01' + n * interval '41 minutes', n % 3,
               jsonb_build_object('name', left(t, 4) || '-' || lpad(n::text, 6, '0'), 'doctype', t, 'customer', 'Customer ' || n % 900,
                                  'posting_date', (date '2024-01-01' + n / 35)::text, 'grand_total', round((n % 9000 * 1.5)::numeric, 2),
                                  'items', (select jsonb_agg(jsonb_build_object('item_code', 'ITEM-' || (n + k) % 300, 'qty', 1 + k, 'rate', 99.5, 'amount', 99.5 * (1 + k)))
                                            from generate_series(0, n % 4) k)),
               case when n % 97 = 0 then now() end
        from unnest(array['north', 'south']) i, unnest(array['Sales Invoice', 'Sales Order', 'Customer', 'Item', 'Payment Entry']) t, generate_series(1, {documents}) n;

        insert into accounts (account_id, account_name, industry, account_value, region, updated_at)
        select n, 'Account ' || n, (array['Retail', 'Tech', 'Health'])[1 + n % 3], n * 1000, (array['Asia', 'Europe', 'North America'])[1 + n % 3]::crm_region, now()
        from generate_series(1, 300) n;
        insert into deals (deal_id, deal_name, deal_size, probability_of_closure, deal_stage, account_id, created_at, updated_at)
        select n, 'Deal ' || n, 1000 + n % 5000, (n % 10) * 10 || '%', (array['Prospecting', 'Negotiation', 'Closed-Won', 'Closed-Lost'])[1 + n % 4]::crm_deal_stage,
               1 + n % 300, timestamp '2024-01-01' + n * interval '23 minutes', now()
        from generate_series(1, {deals}) n;
        insert into deal_aggregations (account_id, aggregation_type, aggregation_date, total_deal_size, deal_count)
        select account_id, t.type, case t.type when 'daily' then created_at::date when 'weekly' then date_trunc('week', created_at)::date else date_trunc('month', created_at)::date end,
               sum(deal_size), count(*)
        from deals, (values ('daily'), ('weekly'), ('monthly')) t(type) group by 1, 2, 3;
        """;
}
