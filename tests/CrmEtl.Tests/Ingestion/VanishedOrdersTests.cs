using CrmEtl.Fixtures;
using CrmEtl.Host.Ingestion;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Ingestion;

/// <summary>
/// An order a complete file of its days no longer lists is kept and marked (source_missing_since, the batch that
/// noticed), counted with the run, and unmarked when it comes back; a file that is not the whole window decides
/// nothing. The pipeline leaves unchanged rows out of staging at any size, so "not staged" is tested apart from "not
/// in the file". Each test has its own store and day.
/// </summary>
public sealed class VanishedOrdersTests : IClassFixture<DatabaseFixture>
{
    private readonly Pipeline _pipeline;
    private readonly string _cs;
    private readonly string _dir = Repo.TempDir("vanished");

    public VanishedOrdersTests(DatabaseFixture db)
    {
        _cs = db.ConnectionString;
        _pipeline = new Pipeline(_cs);
    }

    [Fact]
    public async Task An_order_no_longer_listed_is_marked_counted_and_unmarked_when_it_comes_back()
    {
        var day = new DateOnly(2025, 9, 2);
        var orders = TdOrderReport.Orders("a668", day, count: 12);
        var gone = new[] { orders[3].OrderNo, orders[8].OrderNo };
        var first = await IngestAsync("td", "a668", Files.Td(_dir, orders, name: "v1.xlsx"), day);
        Assert.Equal(12, first.Inserted);

        var second = await IngestAsync("td", "a668", Files.Td(_dir, orders.Where(o => !gone.Contains(o.OrderNo)).ToList(), name: "v2.xlsx"), day);

        Assert.Equal(12, await Db.ScalarAsync<long>(_cs, "select count(*) from orders where cost_center = 'UN3668' and order_date = $1", day));
        Assert.Equal(gone.Order(), (await MissingAsync("UN3668", day)).Order());
        Assert.Equal(2, await Db.ScalarAsync<long>(_cs, "select count(*) from orders where source_missing_batch = $1 and source_missing_since is not null", second.BatchId!));
        Assert.Equal(2, await Db.ScalarAsync<long>(_cs,
            "select failed_rows from ingest_checks where run_id = $1 and check_name = 'orders/vanished_from_the_portal'", second.RunId!));
        Assert.Contains(second.Warnings, w => w.Contains("vanished_from_the_portal"));
        var status = await new HostProcess(_cs).RunAsync("status", "--json");
        Assert.True(status.Stdout.Replace(" ", "").Contains("\"orders_missing\":2"), status.ToString());

        // The same file again is a duplicate and changes nothing; one order back unmarks it alone.
        var back = orders.Where(o => o.OrderNo != gone[1]).ToList();
        var third = await IngestAsync("td", "a668", Files.Td(_dir, back, name: "v3.xlsx"), day);
        Assert.Equal([gone[1]], await MissingAsync("UN3668", day));
        Assert.Equal(0, await Db.ScalarAsync<long>(_cs, "select count(*) from ingest_checks where run_id = $1 and check_name = 'orders/vanished_from_the_portal'", third.RunId!));

        // The analysts' rule: unlisted for 7 days, an order counts as cancelled.
        Assert.Empty(await Db.RowsAsync(_cs, "select 1 from orders_presumed_cancelled where cost_center = 'UN3668'"));
        await Db.ExecAsync(_cs, $"update orders set source_missing_since = now() - interval '8 days' where source_order_id = '{gone[1]}'");
        Assert.Equal([gone[1]], (await Db.RowsAsync(_cs, "select source_order_id from orders_presumed_cancelled where cost_center = 'UN3668'")).Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task A_file_that_is_not_the_whole_window_or_failed_marks_nothing()
    {
        var day = new DateOnly(2025, 9, 5);
        var orders = TdOrderReport.Orders("a817", day, count: 8);
        await IngestAsync("td", "a817", Files.Td(_dir, orders, name: "p1.xlsx"), day);
        var fewer = orders.Skip(2).ToList();

        // No window: the days are only what the rows say.
        var unbounded = await _pipeline.IngestAsync("td", "a817", Files.Td(_dir, fewer, name: "p2.xlsx"));
        Assert.Equal(IngestOutcome.Succeeded, unbounded.Status);
        // A file whose Total does not reconcile fails whole.
        var failed = await _pipeline.IngestAsync("td", "a817", Files.Td(_dir, fewer, new TdReportOptions { TotalNetError = 3m }, name: "p3.xlsx"),
            from: day, to: day);
        Assert.Equal(IngestOutcome.Failed, failed.Status);

        Assert.Empty(await MissingAsync("KN3817", day));
    }

    [Fact]
    public async Task A_complete_file_with_no_orders_marks_the_days_orders_and_UClean_follows_the_same_rule()
    {
        var day = new DateOnly(2025, 9, 9);
        var orders = TdOrderReport.Orders("a817", day, count: 4);
        await IngestAsync("td", "a817", Files.Td(_dir, orders, name: "e1.xlsx"), day);
        var empty = await _pipeline.IngestAsync("td", "a817", Files.Td(_dir, [], name: "e2.xlsx"), from: day, to: day);
        Assert.Equal(IngestOutcome.NoData, empty.Status);
        Assert.Equal(4, (await MissingAsync("KN3817", day)).Count);

        var invoices = UcGstReport.Invoices("UC567", day, count: 6);
        await IngestAsync("uc", "sector56", Files.Uc(_dir, invoices, name: "u1.xlsx"), day);
        await IngestAsync("uc", "sector56", Files.Uc(_dir, invoices.Skip(1).ToList(), name: "u2.xlsx"), day);
        Assert.Equal([invoices[0].BookingId], await MissingAsync("SC3567", day));
    }

    private async Task<IngestOutcome> IngestAsync(string crm, string store, string file, DateOnly day)
    {
        var outcome = await _pipeline.IngestAsync(crm, store, file, from: day, to: day);
        Assert.True(outcome.Status == IngestOutcome.Succeeded, $"{outcome.Status}: {outcome.Error}");
        return outcome;
    }

    private async Task<List<string>> MissingAsync(string costCenter, DateOnly day) =>
        (await Db.RowsAsync(_cs, "select source_order_id from orders where cost_center = $1 and order_date = $2 and source_missing_since is not null order by 1",
            costCenter, day)).Select(r => (string)r[0]!).ToList();
}
