using CrmEtl.Fixtures;
using CrmEtl.Host.Ingestion;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Ingestion;

/// <summary>Report file to orders on a real PostgreSQL: counts, sums, times, idempotency, failures.</summary>
public sealed class IngestionTests : IClassFixture<DatabaseFixture>
{
    private static readonly DateTime Noon = Files.Day.ToDateTime(new TimeOnly(12, 0));
    private readonly Pipeline _pipeline;
    private readonly string _cs;
    private readonly string _dir = Repo.TempDir("ingest");

    public IngestionTests(DatabaseFixture db)
    {
        _cs = db.ConnectionString;
        _pipeline = new Pipeline(_cs);
    }

    [Fact]
    public async Task TumbleDry_report_lands_in_orders_with_exact_counts_sums_and_IST_times()
    {
        var orders = TdOrderReport.Orders("a817", Files.Day, count: 25);
        var file = Files.Td(_dir, orders, new TdReportOptions { MoneyAsText = true, BlankOrderNoRow = true });

        var outcome = await _pipeline.IngestAsync("td", "a817", file);

        Assert.Equal(IngestOutcome.Succeeded, outcome.Status);
        Assert.Equal((25, 25, 0, 0), (outcome.RowsStaged, outcome.Inserted, outcome.Updated, outcome.Unchanged));
        const string ofTheDay = "from orders where cost_center = 'KN3817' and order_date = '2025-11-12'";
        Assert.Equal(25, await Db.ScalarAsync<long>(_cs, "select count(*) " + ofTheDay));
        Assert.Equal(orders.Sum(o => o.Net), await Db.ScalarAsync<decimal>(_cs, "select sum(net_amount) " + ofTheDay));
        Assert.Equal(orders.Sum(o => o.Gross - o.Discount), await Db.ScalarAsync<decimal>(_cs, "select sum(taxable_amount) " + ofTheDay));

        var first = orders[0];
        var row = (await Db.RowsAsync(_cs, """
            select to_char(order_datetime at time zone 'Asia/Kolkata', 'YYYY-MM-DD HH24:MI'), order_date::text,
                   customer_mobile, source_system, source_store_code, source_invoice_no, order_status,
                   source_payload ->> 'name', to_char(order_datetime at time zone 'UTC', 'HH24:MI')
            from orders where source_order_id = $1
            """, first.OrderNo)).Single();
        Assert.Equal(first.OrderTime.ToString("yyyy-MM-dd HH:mm"), row[0]);
        Assert.Equal("2025-11-12", row[1]);
        Assert.Equal(first.Mobile, row[2]);
        Assert.Equal("TD", row[3]);
        Assert.Equal("a817", row[4]);
        Assert.Null(row[5]);
        Assert.Equal(first.Status, row[6]);
        Assert.Equal(first.Name, row[7]);
        Assert.Equal(first.OrderTime.AddMinutes(-330).ToString("HH:mm"), row[8]);
        Assert.Equal(0, await Db.ScalarAsync<long>(_cs, "select count(*) " + ofTheDay + " and customer_mobile !~ '^[0-9]{10}$'"));
    }

    [Fact]
    public async Task UClean_report_maps_booking_invoice_and_gst()
    {
        var invoices = UcGstReport.Invoices("UC610", Files.Day, count: 12);
        var file = Files.Uc(_dir, invoices, new UcReportOptions { InvoiceDateAsText = true, MoneyAsText = true });

        var outcome = await _pipeline.IngestAsync("uc", "sushantlok1", file);

        Assert.Equal((IngestOutcome.Succeeded, 12L), (outcome.Status, outcome.Inserted));
        Assert.Equal(invoices.Sum(x => x.Total), await Db.ScalarAsync<decimal>(_cs,
            "select sum(net_amount) from orders where cost_center = 'SL1610' and order_date = '2025-11-12'"));
        Assert.Equal(invoices.Sum(x => x.Cgst + x.Sgst),
            await Db.ScalarAsync<decimal>(_cs, "select sum(tax_amount) from orders where cost_center = 'SL1610' and order_date = '2025-11-12'"));
        var x0 = invoices[0];
        var row = (await Db.RowsAsync(_cs,
            "select source_invoice_no, order_date::text, payment_status, customer_mobile from orders where source_order_id = $1",
            x0.BookingId)).Single();
        Assert.Equal(x0.InvoiceNo, row[0]);
        Assert.Equal("2025-11-12", row[1]);
        Assert.Equal(x0.PaymentStatus, row[2]);
        Assert.Equal(x0.Mobile, row[3]);
    }

    [Fact]
    public async Task A_UClean_export_with_an_earlier_invoice_added_changes_no_other_order()
    {
        // S.No. is the row's position: one invoice more at the top renumbers every row after it.
        var day = Files.Day.AddDays(-23);
        var invoices = UcGstReport.Invoices("UC567", day, count: 14);
        var first = await _pipeline.IngestAsync("uc", "sector56", Files.Uc(_dir, invoices.Skip(1).ToList(), name: "uc-13.xlsx"));
        var updatedAt = await Db.ScalarAsync<DateTime>(_cs, "select max(updated_at) from orders where cost_center = 'SC3567' and order_date = $1", day);

        var second = await _pipeline.IngestAsync("uc", "sector56", Files.Uc(_dir, invoices, name: "uc-14.xlsx"));

        Assert.Equal((13L, 0L, 0L), (first.Inserted, first.Updated, first.Unchanged));
        Assert.Equal((1L, 0L, 13L), (second.Inserted, second.Updated, second.Unchanged));
        Assert.Equal(updatedAt, await Db.ScalarAsync<DateTime>(_cs,
            "select max(updated_at) from orders where cost_center = 'SC3567' and order_date = $1 and source_order_id <> $2", day, invoices[0].BookingId));
        // The renumbered rows hash as before, so only the new invoice's row is staged.
        Assert.Equal((14L, 1L), (second.RowsRead, second.RowsStaged));
        Assert.Equal(invoices[0].BookingId, await Db.ScalarAsync<string>(_cs,
            "select string_agg(booking_id, ',') from stg_uc_gst_report where load_batch_id = (select load_batch_id from ingest_audit where run_id = $1)",
            second.RunId!.Value));
    }

    [Fact]
    public async Task A_load_into_a_staging_table_that_looks_empty_leaves_it_with_current_statistics()
    {
        // What a killed load leaves behind: dead rows only, and statistics that say "empty". Planned on
        // those, the transforms' dedupe is a nested loop over the whole batch (minutes for 60,000 rows).
        var cs = await TestCluster.CreateMigratedDatabaseAsync("stats");
        await Db.ExecAsync(cs, """
            begin;
            insert into stg_td_order_report (order_no, source_system, store_code, file_md5, load_batch_id, source_row_number)
            select 'X' || g, 'TD', 'a668', 'dead', 0, g from generate_series(1, 500) g;
            rollback;
            analyze stg_td_order_report;
            """);
        Assert.Equal(0f, await Db.ScalarAsync<float>(cs, "select reltuples from pg_class where relname = 'stg_td_order_report'"));

        var outcome = await new Pipeline(cs).IngestAsync("td", "a668", Files.Td(_dir, TdOrderReport.Orders("a668", Files.Day, count: 300), name: "stats.xlsx"));

        Assert.Equal((IngestOutcome.Succeeded, 300L), (outcome.Status, outcome.Inserted));
        Assert.Equal(300f, await Db.ScalarAsync<float>(cs, "select reltuples from pg_class where relname = 'stg_td_order_report'"));
    }

    [Fact]
    public async Task A_batch_of_thousands_into_a_big_staging_table_is_planned_on_statistics_that_know_it()
    {
        // 300,000 staged rows of an earlier batch, analyzed. A new batch of 20,000 is under a tenth of the table, so
        // the table is not analyzed whole again; but a batch the statistics do not know is planned as one row, and
        // the batch view's look-up of a later row of the same order then scans the batch for each of its rows
        // (4 x 10^8 comparisons, over a minute). The statement timeout (which also bounds the COPY, so it allows for a
        // busy machine) ends that.
        var cs = await TestCluster.CreateMigratedDatabaseAsync("bigstage");
        await Db.ExecAsync(cs, """
            insert into stg_td_order_report (order_no, source_system, store_code, file_md5, load_batch_id, source_row_number)
            select 'X' || g, 'TD', 'a668', 'old', 0, g from generate_series(1, 300000) g;
            analyze stg_td_order_report;
            """);
        var pipeline = new Pipeline(new Npgsql.NpgsqlConnectionStringBuilder(cs) { Options = "-c statement_timeout=30000" }.ConnectionString);
        var orders = TdOrderReport.Orders("a668", Files.Day, count: 20_000);

        var outcome = await pipeline.IngestAsync("td", "a668", Files.Td(_dir, orders, name: "thousands.xlsx"));

        Assert.True(outcome.Status == IngestOutcome.Succeeded, outcome.Error);
        Assert.Equal((20_000L, 20_000L), (outcome.RowsStaged, outcome.Inserted));
        Assert.Equal(orders.Sum(o => o.Net), await Db.ScalarAsync<decimal>(cs, "select sum(net_amount) from orders"));
    }

    [Fact]
    public async Task Mobile_numbers_in_every_written_form_normalise_to_ten_digits()
    {
        var rows = await Db.RowsAsync(_cs, """
            select raw, normalise_mobile(raw)
            from unnest(array['+91-98765-43210', '+91 98765 43210', '09876543210', '919876543210', '0919876543210',
                              '9876543210', '9123456789', '0 91 9123456789', '91987654321', '98765', '', '987654321012345',
                              null]) raw
            """);
        var expected = new[]
        {
            "9876543210", "9876543210", "9876543210", "9876543210", "9876543210",
            "9876543210", "9123456789", "9123456789", null, null, null, null, null,
        };
        Assert.Equal(expected, rows.Select(r => r[1] as string));
    }

    [Fact]
    public async Task Reingesting_the_same_file_is_a_duplicate_and_changes_nothing()
    {
        var file = Files.Td(_dir, TdOrderReport.Orders("a668", Files.Day.AddDays(-3), count: 10));
        var first = await _pipeline.IngestAsync("td", "a668", file);
        var updatedAt = await Db.ScalarAsync<DateTime>(_cs, "select max(updated_at) from orders");

        var second = await _pipeline.IngestAsync("td", "a668", file);

        Assert.Equal(IngestOutcome.Succeeded, first.Status);
        Assert.Equal(IngestOutcome.Duplicate, second.Status);
        Assert.Equal(0, second.RowsStaged + second.Inserted + second.Updated);
        Assert.Equal(updatedAt, await Db.ScalarAsync<DateTime>(_cs, "select max(updated_at) from orders"));
        Assert.Equal("duplicate", await Db.ScalarAsync<string>(_cs, "select status from ingest_audit where run_id = $1", second.RunId!.Value));
        Assert.Equal("duplicate", await Db.ScalarAsync<string>(_cs, "select status from download_ledger where ingest_run_id = $1", second.RunId!.Value));
        Assert.Equal(first.Md5, second.Md5);
    }

    [Fact]
    public async Task A_file_stat_says_is_unchanged_is_not_hashed_again_and_one_written_again_is()
    {
        var file = Files.Td(_dir, TdOrderReport.Orders("a817", Files.Day.AddDays(-25), count: 6), name: "hashes.xlsx");
        const string remembered = "select md5_hash from file_hashes where path = $1";
        var path = Path.GetFullPath(file);

        var dry = await _pipeline.IngestAsync("td", "a817", file, dryRun: true);
        Assert.Equal(Files.Md5(file), dry.Md5);
        Assert.Equal(0, await Db.ScalarAsync<long>(_cs, "select count(*) from file_hashes where path = $1", path)); // a dry run keeps nothing

        var first = await _pipeline.IngestAsync("td", "a817", file);
        Assert.Equal((IngestOutcome.Succeeded, Files.Md5(file)), (first.Status, first.Md5));
        Assert.Equal(Files.Md5(file), await Db.ScalarAsync<string>(_cs, remembered, path));
        Assert.StartsWith($"{new FileInfo(file).Length}|", await Db.ScalarAsync<string>(_cs, "select stat from file_hashes where path = $1", path));

        // Unchanged on disk, the file is known by its remembered hash without being read: with that hash set
        // to another value, the run goes by that value.
        await Db.ExecAsync(_cs, $"update file_hashes set md5_hash = 'not-read-again' where path = '{path}'");
        Assert.Equal("not-read-again", (await _pipeline.IngestAsync("td", "a817", file)).Md5);

        // Written again (new content, new modification time): read and hashed again, so never taken for the old file.
        Files.Td(_dir, TdOrderReport.Orders("a817", Files.Day.AddDays(-26), count: 4), name: "hashes.xlsx");
        var rewritten = await _pipeline.IngestAsync("td", "a817", file);
        Assert.Equal((IngestOutcome.Succeeded, Files.Md5(file), 4L), (rewritten.Status, rewritten.Md5, rewritten.Inserted));
        Assert.Equal(Files.Md5(file), await Db.ScalarAsync<string>(_cs, remembered, path));

        // Rewritten in place with the same size and its old modification time put back, as copy tools do: its change
        // time still moved, so it is hashed again and its changed order loads.
        const string header = "Order ID,Invoice No,Order Date Time,Customer Name,Customer Mobile,Customer Code,Gross Amount,Discount,Taxable Amount,Tax,Net Amount,Payment Mode,Payment Status,Order Status\n";
        var csv = Path.Combine(_dir, "same-size.csv");
        await File.WriteAllTextAsync(csv, header + "M-0901,INV-0901,02/09/2025 10:30,Asha Verma,9876543210,C001,500.00,50.00,450.00,81.00,531.00,UPI,Paid,Delivered\n");
        Assert.Equal(IngestOutcome.Succeeded, (await _pipeline.IngestAsync("manual", "a817", csv)).Status);
        var modified = File.GetLastWriteTimeUtc(csv);
        await File.WriteAllTextAsync(csv, header + "M-0901,INV-0901,02/09/2025 10:30,Asha Verma,9876543210,C001,500.00,50.00,450.00,81.00,631.00,UPI,Paid,Delivered\n");
        File.SetLastWriteTimeUtc(csv, modified);
        var again = await _pipeline.IngestAsync("manual", "a817", csv);
        Assert.Equal((IngestOutcome.Succeeded, Files.Md5(csv), 1L), (again.Status, again.Md5, again.Updated));
        Assert.Equal(631.00m, await Db.ScalarAsync<decimal>(_cs, "select net_amount from orders where source_order_id = 'M-0901'"));
    }

    [Fact]
    public async Task A_column_the_portal_added_lands_in_the_payload_beside_the_report_columns()
    {
        var orders = TdOrderReport.Orders("a817", Files.Day.AddDays(-27), count: 5);
        var file = Files.Td(_dir, orders, name: "extra.xlsx", bend: t => t.InsertColumn(5, "Loyalty Points", r => (double)(r * 10)));

        var outcome = await _pipeline.IngestAsync("td", "a817", file);

        Assert.Equal((IngestOutcome.Succeeded, 5L), (outcome.Status, outcome.Inserted));
        var rows = await Db.RowsAsync(_cs, """
            select source_payload ->> 'Loyalty Points', source_payload ->> 'order_no', source_payload ? 'load_batch_id',
                   source_payload ? 'extra_columns', source_payload ? 'row_hash'
            from orders where source_order_id = $1
            """, orders[3].OrderNo);
        Assert.Equal(["30", orders[3].OrderNo, false, false, false], rows.Single());
    }

    [Fact]
    public async Task A_later_export_of_the_same_day_inserts_new_orders_and_updates_changed_ones()
    {
        var day = Files.Day.AddDays(-5);
        var morning = TdOrderReport.Orders("a668", day, asOf: day.ToDateTime(new TimeOnly(13, 0)), count: 24);
        var evening = TdOrderReport.Orders("a668", day, asOf: day.ToDateTime(new TimeOnly(21, 30)), count: 24);
        var changed = evening.Count(e => morning.FirstOrDefault(m => m.OrderNo == e.OrderNo) is { } m && m != e);
        var added = evening.Count - morning.Count;
        Assert.True(changed > 0 && added > 0, "the fixture must both add and change orders");

        var first = await _pipeline.IngestAsync("td", "a668", Files.Td(_dir, morning, name: "morning.xlsx"));
        var second = await _pipeline.IngestAsync("td", "a668", Files.Td(_dir, evening, name: "evening.xlsx"));

        Assert.Equal(morning.Count, first.Inserted);
        Assert.Equal((added, changed, morning.Count - changed), (second.Inserted, second.Updated, second.Unchanged));
        var delivered = evening.Count(o => o.Status == "Delivered");
        Assert.Equal(delivered, await Db.ScalarAsync<long>(_cs,
            "select count(*) from orders where order_date = $1 and cost_center = 'UN3668' and order_status = 'Delivered'", day));
        // Every order's payload is its latest staged row, new, updated or left alone.
        var payloads = (await Db.RowsAsync(_cs, "select source_order_id, source_payload ->> 'order_status', source_payload ->> 'order_no' " +
                                                "from orders where order_date = $1 and cost_center = 'UN3668'", day))
            .ToDictionary(r => (string)r[0]!, r => ((string?)r[1], (string?)r[2]));
        Assert.Equal(evening.ToDictionary(o => o.OrderNo, o => ((string?)o.Status, (string?)o.OrderNo)), payloads);
    }

    [Fact]
    public async Task A_renamed_column_fails_the_file_and_changes_nothing()
    {
        var good = Files.Td(_dir, TdOrderReport.Orders("a668", Files.Day.AddDays(-7), count: 8), name: "good.xlsx");
        await _pipeline.IngestAsync("td", "a668", good);
        var before = await Db.ScalarAsync<long>(_cs, "select count(*) from orders");
        var staged = await Db.ScalarAsync<long>(_cs, "select count(*) from stg_td_order_report");

        var bad = Files.Td(_dir, TdOrderReport.Orders("a668", Files.Day.AddDays(-8), count: 8),
            bend: t => t.RenameHeader("Net Amount", "Net Amt"), name: "renamed.xlsx");
        var outcome = await _pipeline.IngestAsync("td", "a668", bad);

        Assert.Equal(IngestOutcome.Failed, outcome.Status);
        Assert.Contains("renamed.xlsx", outcome.Error);
        Assert.Contains("'Net Amount'", outcome.Error);
        Assert.True(File.Exists(bad));
        Assert.Equal(before, await Db.ScalarAsync<long>(_cs, "select count(*) from orders"));
        Assert.Equal(staged, await Db.ScalarAsync<long>(_cs, "select count(*) from stg_td_order_report"));
        var audit = (await Db.RowsAsync(_cs, "select status, error_step, error_message from ingest_audit where run_id = $1", outcome.RunId!.Value)).Single();
        Assert.Equal("failed", audit[0]);
        Assert.Equal("parse", audit[1]);
        Assert.Contains("'Net Amount'", (string)audit[2]!);
        var ledger = (await Db.RowsAsync(_cs, "select status, failure_kind from download_ledger where ingest_run_id = $1", outcome.RunId!.Value)).Single();
        Assert.Equal(["failed", "bad_file"], ledger);
    }

    [Fact]
    public async Task A_bad_cell_late_in_the_file_rolls_back_the_rows_already_copied()
    {
        var orders = TdOrderReport.Orders("a817", Files.Day.AddDays(-9), count: 100);
        var file = Files.Td(_dir, orders, bend: t => t.Rows[90][11] = "ten rupees");

        var outcome = await _pipeline.IngestAsync("td", "a817", file);

        Assert.Equal(IngestOutcome.Failed, outcome.Status);
        Assert.Contains("row 92", outcome.Error);
        Assert.Contains("'Gross Amount'", outcome.Error);
        Assert.Equal(0, await Db.ScalarAsync<long>(_cs, "select count(*) from stg_td_order_report where file_md5 = $1", outcome.Md5!));
        Assert.Equal(0, await Db.ScalarAsync<long>(_cs, "select count(*) from orders where order_date = $1", Files.Day.AddDays(-9)));
    }

    [Fact]
    public async Task A_day_without_orders_is_no_data_and_then_a_duplicate()
    {
        var file = Files.Uc(_dir, []);
        var first = await _pipeline.IngestAsync("uc", "sector56", file, from: Files.Day.AddDays(-20), to: Files.Day.AddDays(-20));
        var again = await _pipeline.IngestAsync("uc", "sector56", file);
        Assert.Equal(IngestOutcome.NoData, first.Status);
        Assert.Equal(IngestOutcome.Duplicate, again.Status);
        Assert.Equal("no_data", await Db.ScalarAsync<string>(_cs, "select status from ingest_audit where run_id = $1", first.RunId!.Value));
        Assert.Equal(Files.Day.AddDays(-20), await Db.ScalarAsync<DateOnly>(_cs, "select to_date from ingest_audit where run_id = $1", first.RunId!.Value));
    }

    [Fact]
    public async Task A_dry_run_reports_the_counts_and_keeps_nothing()
    {
        var file = Files.Uc(_dir, UcGstReport.Invoices("UC567", Files.Day.AddDays(-11), count: 9));
        var audits = await Db.ScalarAsync<long>(_cs, "select count(*) from ingest_audit");

        var dry = await _pipeline.IngestAsync("uc", "sector56", file, dryRun: true);
        var real = await _pipeline.IngestAsync("uc", "sector56", file);

        Assert.Equal((IngestOutcome.Succeeded, 9L, 9L), (dry.Status, dry.RowsStaged, dry.Inserted));
        Assert.Equal((IngestOutcome.Succeeded, 9L), (real.Status, real.Inserted));
        Assert.Equal(audits + 1, await Db.ScalarAsync<long>(_cs, "select count(*) from ingest_audit"));
    }

    [Fact]
    public async Task Two_files_for_one_store_ingested_at_once_give_the_right_totals()
    {
        var day = Files.Day.AddDays(-13);
        var early = TdOrderReport.Orders("a817", day, asOf: day.ToDateTime(new TimeOnly(15, 0)), count: 40);
        var late = TdOrderReport.Orders("a817", day, count: 40);
        var a = Files.Td(_dir, early, name: "early.xlsx");
        var b = Files.Td(_dir, late, name: "late.xlsx");

        var outcomes = await Task.WhenAll(_pipeline.IngestAsync("td", "a817", a), _pipeline.IngestAsync("td", "a817", b));

        Assert.All(outcomes, o => Assert.Equal(IngestOutcome.Succeeded, o.Status));
        Assert.Equal(40, outcomes.Sum(o => o.Inserted));
        Assert.Equal(40, await Db.ScalarAsync<long>(_cs, "select count(*) from orders where order_date = $1 and cost_center = 'KN3817'", day));
        // Whichever committed last wrote the rows: the totals are one file's, never a mix or a double.
        var net = await Db.ScalarAsync<decimal>(_cs, "select sum(net_amount) from orders where order_date = $1 and cost_center = 'KN3817'", day);
        Assert.Equal(late.Sum(o => o.Net), net);
    }

    [Fact]
    public async Task The_same_file_ingested_twice_at_once_is_taken_once()
    {
        var file = Files.Uc(_dir, UcGstReport.Invoices("UC610", Files.Day.AddDays(-15), count: 30));
        var outcomes = await Task.WhenAll(_pipeline.IngestAsync("uc", "sushantlok1", file), _pipeline.IngestAsync("uc", "sushantlok1", file));
        Assert.Equal([IngestOutcome.Duplicate, IngestOutcome.Succeeded], outcomes.Select(o => o.Status).Order());
        Assert.Equal(30, outcomes.Sum(o => o.Inserted));
    }

    [Fact]
    public async Task An_order_listed_twice_in_one_file_is_taken_from_its_later_row()
    {
        var orders = TdOrderReport.Orders("a817", Files.Day.AddDays(-17), count: 6);
        var file = Files.Td(_dir, orders, new TdReportOptions { TotalRow = false }, bend: t =>
        {
            var again = (object?[])t.Rows[1].Clone();
            again[14] = 999.99; // Net Amount
            t.Rows.Add(again);
            t.Footer[0] = ["Total Records : 7"]; // the portal counts rows, not orders
        }, name: "twice.xlsx");

        var outcome = await _pipeline.IngestAsync("td", "a817", file);

        Assert.True(outcome.Status == IngestOutcome.Succeeded, outcome.Error);
        Assert.Equal((IngestOutcome.Succeeded, 7L, 6L), (outcome.Status, outcome.RowsStaged, outcome.Inserted));
        Assert.Equal(999.99m, await Db.ScalarAsync<decimal>(_cs, "select net_amount from orders where source_order_id = $1", orders[1].OrderNo));
    }

    [Fact]
    public async Task Manual_orders_land_as_MANUAL_with_their_payment_mode()
    {
        var table = new ReportTable(["Order ID", "Invoice No", "Order Date Time", "Customer Name", "Customer Mobile", "Customer Code",
            "Gross Amount", "Discount", "Taxable Amount", "Tax", "Net Amount", "Payment Mode", "Payment Status", "Order Status"]);
        table.Rows.Add(["M-1", "INV-1", "05/11/2025 10:30", "Asha Verma", "+91 98765 43210", "C1", "500.00", "50", "450", "81", "531.00", "UPI", "Paid", "Delivered"]);
        table.Rows.Add(["M-2", null, "05/11/2025 18:05", "Ravi Jain", "09876512345", null, "1,200", null, "1200", "216", "1,416.00", "Cash", "Paid", "Delivered"]);
        var file = Path.Combine(_dir, "manual.csv");
        table.WriteCsv(file);

        var outcome = await _pipeline.IngestAsync("manual", "UN3668", file);

        Assert.Equal((IngestOutcome.Succeeded, 2L), (outcome.Status, outcome.Inserted));
        var rows = await Db.RowsAsync(_cs, """
            select source_order_id, cost_center, customer_mobile, net_amount, payment_mode_summary::text, order_date::text
            from orders where source_system = 'MANUAL' order by 1
            """);
        Assert.Equal(["M-1", "UN3668", "9876543210", 531.00m, "{\"UPI\": 531.00}", "2025-11-05"], rows[0]);
        Assert.Equal(["M-2", "UN3668", "9876512345", 1416.00m, "{\"Cash\": 1416.00}", "2025-11-05"], rows[1]);
    }
}
