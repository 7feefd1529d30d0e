using CrmEtl.Fixtures;
using CrmEtl.Host.Ingestion;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Ingestion;

/// <summary>
/// Loads that re-send orders skip the rows their orders were already built from, and only while the models are the
/// ones those orders were built with. Each test has its own database: transform_state is per database.
/// </summary>
public sealed class IncrementalMergeTests
{
    private const string Model = "models/orders/010_orders.sql";
    private readonly string _dir = Repo.TempDir("incremental");

    [Fact]
    public async Task Unchanged_rows_are_skipped_only_while_the_transforms_are_the_ones_orders_were_built_with()
    {
        var cs = await TestCluster.CreateMigratedDatabaseAsync("skip");
        var host = new HostProcess(cs);
        var (upper, upperRoot) = Pipeline.WithEditedSql(_dir, "UClean", Model,
            sql => sql.Replace("    b.customer_name,\n", "    upper(b.customer_name) as customer_name,\n"));
        var invoices = UcGstReport.Invoices("UC567", Files.Day, count: 20).ToList();
        string Upper(int i) => invoices[i].CustomerName.ToUpperInvariant();
        async Task<string?> NameAsync(int i) =>
            await Db.ScalarAsync<string>(cs, "select customer_name from orders where source_order_id = $1", invoices[i].BookingId);
        async Task<(long, long, long)> IngestAsync(string name, Host.Plugins.PluginCatalog plugins)
        {
            var outcome = await new Pipeline(cs, plugins).IngestAsync("uc", "sector56", Files.Uc(_dir, invoices, name: name));
            Assert.True(outcome.Status == IngestOutcome.Succeeded, outcome.Error);
            return (outcome.Inserted, outcome.Updated, outcome.Unchanged);
        }

        // The first load into an empty source records its transforms; a re-send then does work for its one change.
        Assert.Equal((20, 0, 0), await IngestAsync("1.xlsx", Pipeline.Catalog));
        Assert.NotNull(await Db.ScalarAsync<string>(cs, "select version from transform_state where source = 'uc/orders'"));
        invoices[0] = invoices[0] with { PaymentStatus = "Partially Paid" };
        Assert.Equal((0, 1, 19), await IngestAsync("2.xlsx", Pipeline.Catalog));

        // After an edit, re-sent rows are staged and modelled again: the edit reaches them.
        invoices.Add(UcGstReport.Invoices("UC567", Files.Day.AddDays(1), count: 1)[0]);
        Assert.Equal((1, 20, 0), await IngestAsync("3.xlsx", upper));
        Assert.Equal(Upper(5), await NameAsync(5));
        Assert.Null(await Db.ScalarAsync<string>(cs, "select version from transform_state where source = 'uc/orders'"));

        // Rebuilt with the edit (transform --all), loads skip unchanged rows again.
        host.Environment["CRMETL_PLUGINS"] = upperRoot;
        var rebuild = await host.RunAsync("transform", "--crm", "uc", "--all");
        Assert.True(rebuild.ExitCode == 0, rebuild.ToString());
        invoices[1] = invoices[1] with { PaymentStatus = "Paid", Taxable = invoices[1].Taxable + 10 };
        Assert.Equal((0, 1, 20), await IngestAsync("4.xlsx", upper));

        // Back to the shipped model: not what the orders were built with, so every row is modelled again.
        invoices.Add(UcGstReport.Invoices("UC567", Files.Day.AddDays(2), count: 1)[0]);
        Assert.Equal((1, 21, 0), await IngestAsync("5.xlsx", Pipeline.Catalog));
        Assert.Equal(invoices[5].CustomerName, await NameAsync(5));
    }

    [Fact]
    public async Task An_order_that_changes_and_changes_back_is_written_back_and_records_the_batch_that_wrote_it()
    {
        var cs = await TestCluster.CreateMigratedDatabaseAsync("back");
        var pipeline = new Pipeline(cs);
        var orders = TdOrderReport.Orders("a668", Files.Day, count: 10).ToList();
        var pending = orders[3] with { Status = "Pending" };
        async Task<IngestOutcome> IngestAsync(string name)
        {
            var outcome = await pipeline.IngestAsync("td", "a668", Files.Td(_dir, orders, name: name));
            Assert.True(outcome.Status == IngestOutcome.Succeeded, outcome.Error);
            return outcome;
        }
        async Task<long> BatchAsync(IngestOutcome o) =>
            await Db.ScalarAsync<long>(cs, "select load_batch_id from ingest_audit where run_id = $1", o.RunId!.Value);
        async Task<object?[]> OrderAsync() => (await Db.RowsAsync(cs,
            "select order_status, load_batch_id, source_row_hash is not null from orders where source_order_id = $1", pending.OrderNo)).Single();

        orders[3] = pending;
        var first = await IngestAsync("pending.xlsx");
        orders[3] = pending with { Status = "Ready" };
        var ready = await IngestAsync("ready.xlsx");
        var afterReady = await OrderAsync();
        Assert.Equal("Ready", afterReady[0]);
        Assert.Equal(await BatchAsync(ready), afterReady[1]);

        // The same row as the first file's: compared with what the order holds now (Ready), not with that row.
        orders[3] = pending;
        var back = await IngestAsync("pending-again.xlsx");

        Assert.Equal((0, 1, 9), (back.Inserted, back.Updated, back.Unchanged));
        var row = await OrderAsync();
        Assert.Equal("Pending", row[0]);
        Assert.Equal(await BatchAsync(back), row[1]);
        Assert.Equal(true, row[2]);
        // The other nine were written by the first file and re-sent unchanged since.
        Assert.Equal(9, await Db.ScalarAsync<long>(cs, "select count(*) from orders where load_batch_id = $1", await BatchAsync(first)));
    }

    [Fact]
    public async Task Rows_orders_holds_as_they_are_are_left_out_of_staging_yet_counted_with_their_days()
    {
        var cs = await TestCluster.CreateMigratedDatabaseAsync("leaveout");
        var pipeline = new Pipeline(cs);
        var orders = TdOrderReport.Orders("a668", Files.Day, count: 30).ToList();
        static TdOrder Moved(TdOrder o) => o with { Status = o.Status == "Ready" ? "Delivered" : "Ready", Gross = o.Gross + 10, Net = o.Net + 10 };
        async Task<IngestOutcome> IngestAsync(IReadOnlyList<TdOrder> rows, string name)
        {
            var outcome = await pipeline.IngestAsync("td", "a668", Files.Td(_dir, rows, name: name));
            Assert.True(outcome.Status == IngestOutcome.Succeeded, outcome.Error);
            return outcome;
        }
        async Task<string?> StatusAsync(TdOrder o) =>
            await Db.ScalarAsync<string>(cs, "select order_status from orders where source_order_id = $1", o.OrderNo);

        var first = await IngestAsync(orders, "first.xlsx");
        Assert.Equal((30L, 30L, 30L), (first.RowsRead, first.RowsStaged, first.Inserted));

        // Order 2 changed. Order 7 twice: changed, then as orders has it (the last row wins: no change). Order 9 twice:
        // as orders has it, then changed. And a new order a day later.
        var later = TdOrderReport.Orders("a668", Files.Day.AddDays(1), count: 1)[0] with { OrderNo = "NEW-1" };
        var resent = orders.Select((o, i) => i is 2 or 7 ? Moved(o) : o).Concat([orders[7], Moved(orders[9]), later]).ToList();
        var second = await IngestAsync(resent, "second.xlsx");

        // Staged: order 2's row, both rows of orders 7 and 9 past the first that orders holds, the new order.
        Assert.Equal((33L, 5L), (second.RowsRead, second.RowsStaged));
        Assert.Equal((1L, 2L, 28L), (second.Inserted, second.Updated, second.Unchanged));
        Assert.Equal((Files.Day, Files.Day.AddDays(1)), (second.From!.Value, second.To!.Value));
        var audit = (await Db.RowsAsync(cs,
            "select rows_read, rows_staged, unchanged_rows, from_date, to_date from ingest_audit where run_id = $1", second.RunId!.Value)).Single();
        Assert.Equal([33L, 5L, 28L, Files.Day, Files.Day.AddDays(1)], audit.Select(v => v is DateTime d ? DateOnly.FromDateTime(d) : v));
        Assert.Equal(5L, await Db.ScalarAsync<long>(cs,
            "select count(*) from stg_td_order_report where load_batch_id = (select load_batch_id from ingest_audit where run_id = $1)",
            second.RunId!.Value));

        Assert.Equal(Moved(orders[2]).Status, await StatusAsync(orders[2]));
        Assert.Equal(orders[7].Status, await StatusAsync(orders[7]));
        Assert.Equal(Moved(orders[9]).Status, await StatusAsync(orders[9]));
        Assert.Equal(31L, await Db.ScalarAsync<long>(cs, "select count(*) from orders"));
        Assert.Equal(orders.Sum(o => o.Net) + 10 + 10 + later.Net,
            await Db.ScalarAsync<decimal>(cs, "select sum(net_amount) from orders"));
    }

    [Fact]
    public async Task A_large_batch_is_transformed_in_one_pass_even_before_its_table_was_analyzed()
    {
        // 40,000 rows of one batch staged by SQL, so nothing has analyzed the table: the planner cannot see which batch
        // crm_etl_batch() names. Looking for a later row of each order by scanning the batch for every row (what the
        // plan was without an index on the batch's order keys) takes hours here; the statement timeout ends it.
        var cs = await TestCluster.CreateMigratedDatabaseAsync("nostats");
        await Db.ExecAsync(cs, """
            insert into stg_td_order_report (order_date_time, order_no, name, phone, gross_amount, discount, tax, net_amount,
                                             advance, paid, balance, order_status, source_system, store_code, cost_center, file_md5,
                                             load_batch_id, source_row_number, row_hash)
            select timestamp '2025-01-01' + g * interval '1 minute', 'N' || g, 'Name', '98765' || lpad(g::text, 5, '0'),
                   100, 0, 18, 118, 0, 0, 118, 'Pending', 'TD', 'a668', 'UN3668', 'x', 7, g + 1, md5(g::text)
            from generate_series(1, 40000) g
            """);
        var host = new HostProcess(new Npgsql.NpgsqlConnectionStringBuilder(cs) { Options = "-c statement_timeout=120000" }.ConnectionString);

        var run = await host.RunAsync("transform", "--crm", "td", "--batch", "7", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(40_000, System.Text.Json.JsonDocument.Parse(run.Stdout).RootElement.GetProperty("batches")[0].GetProperty("inserted").GetInt64());
        Assert.Equal(40_000 * 118m, await Db.ScalarAsync<decimal>(cs, "select sum(net_amount) from orders where cost_center = 'UN3668'"));
    }
}
