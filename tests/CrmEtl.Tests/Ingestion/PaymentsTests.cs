using CrmEtl.Fixtures;
using CrmEtl.Host.Ingestion;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Ingestion;

/// <summary>
/// The TumbleDry Sales &amp; Delivery report: payments into order_payments, and the orders' payment_mode_summary and
/// payment_status from them, whichever report arrives first. Each test has its own store and days.
/// </summary>
public sealed class PaymentsTests : IClassFixture<DatabaseFixture>
{
    private readonly Pipeline _pipeline;
    private readonly string _cs;
    private readonly string _dir = Repo.TempDir("payments");

    public PaymentsTests(DatabaseFixture db)
    {
        _cs = db.ConnectionString;
        _pipeline = new Pipeline(_cs);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_day_of_payments_gives_each_order_its_modes_whichever_report_comes_first(bool paymentsFirst)
    {
        var day = new DateOnly(2025, 10, paymentsFirst ? 3 : 4);
        var store = paymentsFirst ? "a668" : "a817";
        var orders = TdOrderReport.Orders(store, day);
        var payments = TdSalesReport.Payments(store, day);
        var ordersFile = Files.Td(_dir, orders, name: $"orders-{store}-{day:dd}.xlsx");
        var paymentsFile = Sales(payments, $"payments-{store}-{day:dd}.xlsx");

        var outcomes = new List<IngestOutcome>();
        foreach (var (file, report) in paymentsFirst ? new[] { (paymentsFile, "payments"), (ordersFile, "orders") } : [(ordersFile, "orders"), (paymentsFile, "payments")])
            outcomes.Add(await _pipeline.IngestAsync("td", store, file, from: day, to: day, report: report));

        Assert.All(outcomes, o => Assert.Equal(IngestOutcome.Succeeded, o.Status));
        var cc = store == "a668" ? "UN3668" : "KN3817";
        Assert.Equal(payments.Count, await Db.ScalarAsync<long>(_cs, "select count(*) from order_payments where cost_center = $1", cc));
        Assert.Equal(payments.Sum(p => p.Received), await Db.ScalarAsync<decimal>(_cs, "select sum(amount) from order_payments where cost_center = $1", cc));
        Assert.Equal(payments.Count, outcomes.Single(o => o.Dataset == "payments").Tables.Single(t => t.Table == "order_payments").Inserted);

        // Every order of the day paid that day has the sum per mode of its payments of the day (payments of the day
        // before's orders wait for theirs); an order with none has none.
        foreach (var order in orders)
        {
            var expected = payments.Where(p => p.Order.OrderNo == order.OrderNo).GroupBy(p => p.Mode)
                .ToDictionary(g => g.Key, g => g.Sum(p => p.Received));
            var summary = await Db.RowsAsync(_cs, """
                select s.key, s.value::numeric from orders o, jsonb_each_text(o.payment_mode_summary) s
                where o.cost_center = $1 and o.source_order_id = $2
                """, cc, order.OrderNo);
            Assert.Equal(expected.OrderBy(e => e.Key).Select(e => $"{e.Key}={e.Value:0.00}"),
                summary.Select(r => $"{r[0]}={(decimal)r[1]!:0.00}").OrderBy(s => s.Split('=')[0]));
        }
        Assert.Equal(orders.Count(o => payments.All(p => p.Order.OrderNo != o.OrderNo)),
            await Db.ScalarAsync<long>(_cs, "select count(*) from orders where cost_center = $1 and order_date = $2 and payment_mode_summary is null", cc, day));
    }

    [Fact]
    public async Task Package_and_unknown_modes_are_kept_and_a_second_payment_completes_the_summary_and_the_status()
    {
        var day = new DateOnly(2025, 10, 10);
        var orders = TdOrderReport.Orders("a668", day, count: 3);
        var (package, wallet, split) = (orders[0], orders[1], orders[2]);
        DateTime At(TdOrder o, int hours) => o.OrderTime.AddHours(hours);
        var part = Math.Round(split.Net * 0.4m, 2);
        var first = new[]
        {
            new TdPayment(package, At(package, 1), package.Net, 0m, 0m, " Package ", "Package", null, "Package"),
            new TdPayment(wallet, At(wallet, 1), wallet.Net, 0m, 0m, "  paytm   Wallet ", "paytm Wallet", "W1", "Delivery"),
            new TdPayment(split, At(split, 1), part, 0m, split.Net - part, "CASH", "Cash", null, "Advance"),
        };
        await IngestAsync(Files.Td(_dir, orders.Select(o => o with { Advance = 0m, Paid = 0m }).ToList(), name: "pkg-orders.xlsx"), "orders", day);
        await IngestAsync(Sales(first, "pkg-payments-1.xlsx"), "payments", day);

        Assert.Equal(("{\"Package\": " + $"{package.Net:0.00}" + "}", "Paid"), await SummaryAsync("UN3668", package.OrderNo));
        Assert.Equal(("{\"paytm Wallet\": " + $"{wallet.Net:0.00}" + "}", "Paid"), await SummaryAsync("UN3668", wallet.OrderNo));
        Assert.Equal(("{\"Cash\": " + $"{part:0.00}" + "}", "Partially Paid"), await SummaryAsync("UN3668", split.OrderNo));

        // The rest, the next day, by UPI.
        var next = day.AddDays(1);
        var rest = split.Net - part;
        await IngestAsync(Sales([new TdPayment(split, next.ToDateTime(new TimeOnly(11, 5, 9)), rest, 0m, 0m, "upi", "UPI", "T9", "Delivery")],
            "pkg-payments-2.xlsx"), "payments", next);

        var (summary, status) = await SummaryAsync("UN3668", split.OrderNo);
        Assert.Equal("Paid", status);
        Assert.Equal(part, await Db.ScalarAsync<decimal>(_cs, "select (payment_mode_summary ->> 'Cash')::numeric from orders where source_order_id = $1", split.OrderNo));
        Assert.Equal(rest, await Db.ScalarAsync<decimal>(_cs, "select (payment_mode_summary ->> 'UPI')::numeric from orders where source_order_id = $1", split.OrderNo));
        Assert.Contains("UPI", summary);
        Assert.Equal(2, await Db.ScalarAsync<long>(_cs, "select count(*) from order_payments where source_order_id = $1", split.OrderNo));
    }

    [Fact]
    public async Task A_payment_whose_order_comes_a_day_later_is_kept_and_attached_when_the_order_arrives()
    {
        var day = new DateOnly(2025, 10, 20);
        var order = TdOrderReport.Orders("a817", day, count: 1)[0] with { Advance = 0m, Paid = 0m };
        var advance = Math.Round(order.Net / 4, 2);
        var payment = new TdPayment(order, order.OrderTime.AddMinutes(3), advance, 1m, order.Net - advance - 1m, "Card", "Card", "C77", "Advance");
        var paid = await IngestAsync(Sales([payment], "early-payment.xlsx"), "payments", day, "a817");

        Assert.Equal(1, paid.Tables.Single(t => t.Table == "order_payments").Inserted);
        Assert.Equal(0, await Db.ScalarAsync<long>(_cs, "select count(*) from orders where source_order_id = $1", order.OrderNo));
        Assert.Equal(1, await Db.ScalarAsync<long>(_cs, "select count(*) from order_payments where source_order_id = $1 and payment_mode = 'Card' and adjustments = 1", order.OrderNo));

        await IngestAsync(Files.Td(_dir, [order], name: "late-order.xlsx"), "orders", day, "a817");
        Assert.Equal(("{\"Card\": " + $"{advance:0.00}" + "}", "Partially Paid"), await SummaryAsync("KN3817", order.OrderNo));
    }

    [Fact]
    public async Task A_complete_export_that_no_longer_lists_a_payment_removes_it_and_a_wrong_total_loads_nothing()
    {
        var day = new DateOnly(2025, 10, 25);
        var orders = TdOrderReport.Orders("a668", day, count: 2).Select(o => o with { Advance = 0m, Paid = 0m }).ToList();
        var payments = orders.Select(o => new TdPayment(o, o.OrderTime.AddHours(2), o.Net, 0m, 0m, "UPI", "UPI", "U1", "Delivery")).ToList();
        await IngestAsync(Files.Td(_dir, orders, name: "rm-orders.xlsx"), "orders", day);
        await IngestAsync(Sales(payments, "rm-payments-1.xlsx"), "payments", day);
        Assert.Equal(2, await Db.ScalarAsync<long>(_cs, "select count(*) from orders where source_order_id = any($1) and payment_status = 'Paid'", (object)orders.Select(o => o.OrderNo).ToArray()));

        var failed = await _pipeline.IngestAsync("td", "a668", Sales(payments.Take(1).ToList(), "rm-payments-bad.xlsx", totalError: 5m),
            from: day, to: day, report: "payments");
        Assert.Equal(IngestOutcome.Failed, failed.Status);
        Assert.Contains("Total", failed.Error);
        Assert.Equal(2, await Db.ScalarAsync<long>(_cs, "select count(*) from order_payments where source_order_id = any($1)", (object)orders.Select(o => o.OrderNo).ToArray()));

        var again = await IngestAsync(Sales(payments.Take(1).ToList(), "rm-payments-2.xlsx"), "payments", day);
        Assert.Equal(1, again.Tables.Single(t => t.Table == "order_payments").Deleted);
        Assert.Equal((null, "Pending"), await SummaryAsync("UN3668", orders[1].OrderNo));
        Assert.Equal("Paid", (await SummaryAsync("UN3668", orders[0].OrderNo)).Status);
    }

    private string Sales(IReadOnlyList<TdPayment> payments, string name, decimal totalError = 0m)
    {
        var path = Path.Combine(_dir, name);
        TdSalesReport.Build(payments, totalError: totalError).Write(path);
        return path;
    }

    private async Task<IngestOutcome> IngestAsync(string file, string report, DateOnly day, string store = "a668")
    {
        var outcome = await _pipeline.IngestAsync("td", store, file, from: day, to: day, report: report);
        Assert.True(outcome.Status == IngestOutcome.Succeeded, $"{report}: {outcome.Status} {outcome.Error}");
        return outcome;
    }

    private async Task<(string? Summary, string? Status)> SummaryAsync(string costCenter, string orderNo)
    {
        var row = (await Db.RowsAsync(_cs, "select payment_mode_summary::text, payment_status from orders where cost_center = $1 and source_order_id = $2",
            costCenter, orderNo)).Single();
        return ((string?)row[0], (string?)row[1]);
    }
}
