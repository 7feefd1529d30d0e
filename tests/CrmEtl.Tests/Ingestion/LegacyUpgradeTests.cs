using System.Text.Json;
using CrmEtl.Fixtures;
using CrmEtl.Host.Database;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Ingestion;

/// <summary>
/// A warehouse made by the version before the baselines (its thirteen migrations, kept in sql/legacy) is upgraded in
/// place: its orders, run records and staged batches kept, the baselines journaled and never run on it.
/// </summary>
public sealed class LegacyUpgradeTests
{
    [Fact]
    public async Task A_database_of_the_thirteen_migrations_upgrades_in_place_and_keeps_its_orders_and_records()
    {
        var cs = await TestCluster.CreateDatabaseAsync("legacy");
        var legacy = MigrationScript.FromFolder("core", Path.Combine(Repo.Sql, "legacy")).ToList();
        Assert.Equal(13, legacy.Count);
        await new MigrationRunner(cs).ApplyAsync(legacy, default);
        // What that version left after loading one file for a668: a staged batch, its orders, its run and its ledger row.
        await Db.ExecAsync(cs, """
            insert into stg_td_order_report (order_date_time, order_no, name, phone, gross_amount, discount, tax, net_amount,
                                             advance, paid, balance, order_status, store_code, cost_center, file_md5,
                                             load_batch_id, source_row_number, row_hash)
            select timestamp '2025-09-01 10:00' + g * interval '1 hour', 'L' || g, 'Old Customer ' || g, '98765432' || lpad(g::text, 2, '0'),
                   100 * g, 0, 18 * g, 118 * g, 0, 0, 118 * g, 'Delivered', 'a668', 'UN3668', 'legacy-md5', 1, g + 1, md5(g::text)
            from generate_series(1, 3) g;
            insert into orders (cost_center, source_system, source_store_code, source_order_id, order_datetime, order_date,
                                customer_name, net_amount, order_status, source_hash, load_batch_id, source_row_hash)
            select 'UN3668', 'TD', 'a668', 'L' || g, timestamptz '2025-09-01 10:00+05:30' + g * interval '1 hour', date '2025-09-01',
                   'Old Customer ' || g, 118 * g, 'Delivered', 'h' || g, 1, md5(g::text)
            from generate_series(1, 3) g;
            insert into ingest_audit (invocation_id, crm, store, store_code, cost_center, filename, from_date, to_date, md5_hash,
                                      load_batch_id, rows_staged, inserted_rows, updated_rows, unchanged_rows, status, finished_at, rows_read)
            values (gen_random_uuid(), 'td', 'a668', 'a668', 'UN3668', 'old.xlsx', '2025-09-01', '2025-09-01', 'legacy-md5',
                    1, 3, 3, 0, 0, 'succeeded', now(), 3);
            insert into download_ledger (crm, store, store_code, filename, from_date, to_date, md5_hash, status, origin, ingest_run_id)
            values ('td', 'a668', 'a668', 'old.xlsx', '2025-09-01', '2025-09-01', 'legacy-md5', 'downloaded', 'download', 1);
            insert into transform_state (source, version) values ('td', 'old-version');
            select setval('load_batch_seq', 1);
            """);
        var host = new HostProcess(cs);

        var migrate = await host.RunAsync("migrate");

        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.Contains("upgraded in place", migrate.Stderr);
        var journal = (await Db.RowsAsync(cs, "select script from migration_journal order by script")).Select(r => (string)r[0]!).ToList();
        Assert.Contains("core/0001_baseline.sql", journal);
        Assert.Contains("plugins/TumbleDry/0001_baseline.sql", journal);
        Assert.Contains("plugins/UClean/0001_baseline.sql", journal);
        Assert.Contains("core/0013_rows_read.sql", journal);
        Assert.Equal([3L, 708.00m], (await Db.RowsAsync(cs, "select count(*), sum(net_amount) from orders")).Single());
        Assert.Equal(["orders", "succeeded"], (await Db.RowsAsync(cs, "select dataset, status from ingest_audit")).Single());
        Assert.Equal("orders", await Db.ScalarAsync<string>(cs, "select dataset from download_ledger"));
        Assert.Equal(1, await Db.ScalarAsync<long>(cs, "select count(*) from pg_tables where tablename in ('ingest_rejects')"));
        Assert.Null(await Db.ScalarAsync<string>(cs, "select version from transform_state where source = 'td/orders'"));

        // It works on as a new one does: a file loads next to the old orders, and every batch, old ones included, replays.
        var file = Files.Td(Repo.TempDir("legacy"), TdOrderReport.Orders("a668", new DateOnly(2025, 9, 2), count: 7), name: "new.xlsx");
        var ingest = await host.RunAsync("ingest", "--crm", "td", "--store", "a668", "--file", file, "--json");
        Assert.True(ingest.ExitCode == 0, ingest.ToString());
        Assert.Equal(7, JsonDocument.Parse(ingest.Stdout).RootElement.GetProperty("runs")[0].GetProperty("inserted").GetInt64());
        var replay = await host.RunAsync("transform", "--crm", "td", "--all", "--json");
        Assert.True(replay.ExitCode == 0, replay.ToString());
        Assert.Equal(2, JsonDocument.Parse(replay.Stdout).RootElement.GetProperty("batches").GetArrayLength());
        Assert.Equal(10, await Db.ScalarAsync<long>(cs, "select count(*) from orders"));
        Assert.Equal("TD", await Db.ScalarAsync<string>(cs, "select source_system from cost_centers where store_id = 'a668'"));
        Assert.NotNull(await Db.ScalarAsync<string>(cs, "select version from transform_state where source = 'td/orders'"));
        Assert.Contains("up to date", (await host.RunAsync("migrate")).Stdout);
    }
}
