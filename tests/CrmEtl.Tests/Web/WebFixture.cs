using System.Net;
using System.Net.Http.Headers;
using CrmEtl.Host;
using CrmEtl.Host.Commands;
using CrmEtl.Host.Web;
using CrmEtl.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Npgsql;

namespace CrmEtl.Tests.Web;

/// <summary>
/// A warehouse with a bit of everything the pages show (orders of four stores over 40 days with paisa, a NULL and a
/// refund; runs and downloads that failed; 300 leads in every status; ERP documents of three instances with child
/// tables; accounts, deals and their aggregations), three users (a viewer granted "north", an editor granted "north"
/// and "south", an admin), their tokens, and the real server on a free loopback port reading through its
/// read-only role.
/// </summary>
public sealed class WebFixture : IAsyncLifetime
{
    public string Cs { get; private set; } = "";          // the owner's connection
    public string ServerCs { get; private set; } = "";    // the server's read-only role
    public string Url { get; private set; } = "";
    public Dictionary<string, (string Password, string Token)> Users { get; } = new();
    private WebApplication? _app;

    public static DateOnly TodayIst => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata")));

    public async Task InitializeAsync()
    {
        Cs = await TestCluster.CreateMigratedDatabaseAsync("web");
        await Db.ExecAsync(Cs, Seed);
        await using (var db = NpgsqlDataSource.Create(Cs))
        {
            foreach (var (name, role, instances) in new[] { ("vera", "viewer", new[] { "north" }), ("ed", "editor", new[] { "north", "south" }), ("ada", "admin", (string[]?)null) })
            {
                var password = Convert.ToBase64String(Guid.NewGuid().ToByteArray())[..16];
                await WebUsers.AddAsync(db, name, role, instances, password, default);
                Users[name] = (password, (await WebUsers.NewTokenAsync(db, name, default))!);
            }
        }
        ServerCs = await WebDatabaseRole.EnsureAsync(Cs, default);
        (_app, Url) = await StartAsync(10);
    }

    /// <summary>A server on this database (another one for a test that needs its own login limit), through the one role.</summary>
    public async Task<(WebApplication App, string Url)> StartAsync(int loginsPerMinute)
    {
        var host = new HostContext(Pipeline.Paths);
        var serverCs = ServerCs;
        var app = WebServer.Build(new WebServerOptions(serverCs, Repo.TempDir("web-keys"), IPAddress.Loopback, 0,
            LoginAttemptsPerMinute: loginsPerMinute, Stores: ct => StatusCommand.ReportAsync(host, serverCs, ct)));
        await app.StartAsync();
        return (app, app.Urls.First());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    public HttpClient Client(string? user = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url) };
        if (user is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Users[user].Token);
        return client;
    }

    // Deterministic (setseed) and varied: amounts with paisa, a NULL net amount, a refund, days without sales.
    private const string Seed = """
        select setseed(0.42);
        insert into orders (cost_center, source_system, source_order_id, order_datetime, order_date, customer_name, net_amount, source_hash)
        select cc.cost_center, cc.source_system, cc.cost_center || '-' || n,
               ((now() at time zone 'Asia/Kolkata')::date - (n % 40)) + time '10:00' + (n % 600) * interval '1 minute',
               (now() at time zone 'Asia/Kolkata')::date - (n % 40),
               'Customer ' || n,
               case when n % 97 = 0 then null when n % 101 = 0 then -round((random() * 500)::numeric, 2) else round((random() * 3000 + 49)::numeric, 2) end,
               md5(n::text)
        from (values ('UN3668', 'TD'), ('KN3817', 'TD'), ('SC3567', 'UC'), ('SL1610', 'UC')) cc(cost_center, source_system),
             generate_series(1, 1200) n
        where not (cc.cost_center = 'SL1610' and n % 40 in (3, 4));   -- two days this store sold nothing

        insert into ingest_audit (crm, dataset, store, store_code, cost_center, filename, file_path, from_date, to_date, status,
                                  rows_read, inserted_rows, started_at, finished_at, error_step, error_message)
        values ('td', 'orders', 'a668', 'a668', 'UN3668', 'TD_a668.xlsx', null, current_date - 1, current_date, 'succeeded', 120, 120, now() - interval '3 hours', now() - interval '3 hours', null, null),
               ('uc', 'orders', 'sector56', 'UC567', 'SC3567', 'UC_sector56.xlsx', '/var/crm-etl/failed/UC_sector56.xlsx', current_date - 1, current_date, 'failed',
                40, 0, now() - interval '2 hours', now() - interval '2 hours', 'parse', 'UC_sector56.xlsx row 12, column "Net Amount": ''12,O0'' is not a number'),
               ('td', 'orders', 'a817', 'a817', 'KN3817', 'TD_a817.xlsx', null, current_date - 1, current_date, 'abandoned', null, null, now() - interval '1 hour', null, null, null);
        insert into download_ledger (crm, dataset, store, store_code, filename, from_date, to_date, status, failure_kind, error_message, downloaded_at)
        values ('td', 'orders', 'a817', 'a817', 'TD_a817.xlsx', current_date - 1, current_date, 'failed', 'session_expired',
                'the portal asked for a login: the saved session has expired', now() - interval '30 minutes');

        insert into leads (full_name, phone, email, city, lead_source, status, priority, assigned_to, next_follow_up, source_file, source_sheet, source_row)
        select (array['Asha Rao', 'Vikram Singh', 'Neha O''Brien', 'Rahul Verma', 'Zoë D''Souza', 'Imran Khan'])[1 + n % 6] || ' ' || n,
               (6 + n % 4)::text || lpad((n * 7919 % 1000000000)::text, 9, '0'),
               case when n % 5 = 0 then null else 'lead' || n || '@example.com' end,
               (array['Delhi', 'Gurugram', 'Noida', null])[1 + n % 4],
               (array['Website', 'Walk-in', 'Referral'])[1 + n % 3],
               (select status from lead_statuses order by position offset n % 9 limit 1),
               (array['Low', 'Medium', 'High', 'Urgent'])[1 + n % 4],
               (array['Priya', 'Rahul', null])[1 + n % 3],
               case when n % 7 = 0 then null else (now() at time zone 'Asia/Kolkata')::date + (n % 11) - 5 end,
               'Leads-2025-11-12.xlsx', 'Sheet' || (1 + n % 3), n + 1
        from generate_series(1, 300) n;

        insert into erp_documents (instance, doctype, name, modified, docstatus, document_data, deleted_at)
        select i.instance, 'Sales Invoice', 'SINV-' || i.code || '-' || lpad(n::text, 5, '0'),
               timestamp '2025-10-01 09:00' + n * interval '3 hours', n % 3,
               jsonb_build_object('name', 'SINV-' || i.code || '-' || lpad(n::text, 5, '0'), 'doctype', 'Sales Invoice', 'customer', 'Customer ' || (n % 17),
                                  'posting_date', (date '2025-10-01' + n / 8)::text, 'grand_total', round((n * 137.5)::numeric, 2), 'docstatus', n % 3,
                                  'items', jsonb_build_array(jsonb_build_object('item_code', 'WASH-' || n % 5, 'qty', 1 + n % 4, 'rate', 99.5),
                                                             jsonb_build_object('item_code', 'IRON-' || n % 3, 'qty', 2, 'rate', 15))),
               case when n % 50 = 0 then now() end
        from (values ('north', 'N'), ('south', 'S'), ('east', 'E')) i(instance, code), generate_series(1, 150) n;
        insert into erp_documents (instance, doctype, name, modified, docstatus, document_data)
        select i, 'Customer', 'Customer ' || n, timestamp '2025-09-01 12:00' + n * interval '1 day', 0,
               jsonb_build_object('name', 'Customer ' || n, 'doctype', 'Customer', 'customer_group', 'Retail')
        from unnest(array['north', 'south', 'east']) i, generate_series(1, 17) n;

        insert into accounts (account_id, account_name, industry, account_value, region, updated_at)
        select n, 'Account ' || n, (array['Retail', 'Tech', 'Health'])[1 + n % 3], n * 10000, (array['Asia', 'Europe', 'North America'])[1 + n % 3]::crm_region, now()
        from generate_series(1, 6) n;
        insert into deals (deal_id, deal_name, deal_size, probability_of_closure, deal_stage, account_id, created_at, updated_at)
        select n, 'Deal ' || n, case when n % 9 = 0 then null else 1000 + n * 37 end, (n % 10) * 10 || '%',
               (array['Prospecting', 'Negotiation', 'Closed-Won', 'Closed-Lost'])[1 + n % 4]::crm_deal_stage, 1 + n % 6,
               timestamp '2025-08-01' + n * interval '19 hours', now()
        from generate_series(1, 120) n;
        insert into deal_aggregations (account_id, aggregation_type, aggregation_date, total_deal_size, deal_count)
        select account_id, t.type,
               case t.type when 'daily' then created_at::date when 'weekly' then date_trunc('week', created_at)::date else date_trunc('month', created_at)::date end,
               sum(deal_size), count(*)
        from deals, (values ('daily'), ('weekly'), ('monthly')) t(type)
        where deal_size is not null group by 1, 2, 3;
        """;
}
