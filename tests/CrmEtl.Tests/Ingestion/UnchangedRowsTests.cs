using CrmEtl.Host.Ingestion;

namespace CrmEtl.Tests.Ingestion;

/// <summary>Which rows staging can do without, and how what it leaves out is counted (pure; no database).</summary>
public sealed class UnchangedRowsTests
{
    private static readonly DateTime Monday = new(2025, 11, 10, 9, 30, 0);

    // Rows of (key, date); a row's hash stands for its content.
    private static object?[] Row(string key, DateTime date) => [key, date];

    [Fact]
    public void A_row_orders_holds_is_left_out_and_counted_as_one_unchanged_order_of_its_day()
    {
        var rows = new UnchangedRows([1, 2], [0], dateColumn: 1, "orders");

        Assert.False(rows.MustStage(Row("A", Monday), 1));
        Assert.True(rows.MustStage(Row("B", Monday.AddDays(3)), 9));  // changed
        Assert.False(rows.MustStage(Row("C", Monday.AddDays(1)), 2));

        Assert.Equal(2, rows.Rows);
        Assert.Equal((2L, new DateOnly(2025, 11, 10), new DateOnly(2025, 11, 11)), (rows.Unchanged, rows.FirstDay!.Value, rows.LastDay!.Value));
    }

    [Fact]
    public void A_key_seen_before_is_staged_and_its_order_left_to_the_models_to_count()
    {
        var rows = new UnchangedRows([1, 2], [0], dateColumn: 1, "orders");

        Assert.False(rows.MustStage(Row("A", Monday), 1));
        Assert.True(rows.MustStage(Row("A", Monday.AddDays(2)), 7));  // a later row of A: it wins, so it is staged
        Assert.True(rows.MustStage(Row("B", Monday), 8));
        Assert.True(rows.MustStage(Row("B", Monday), 2));             // B as orders has it, after a changed row of B
        Assert.True(rows.MustStage(Row("A", Monday), 1));             // a third row of A

        Assert.Equal(1, rows.Rows);
        Assert.Equal(0, rows.Unchanged);
        Assert.Equal(new DateOnly(2025, 11, 10), rows.FirstDay); // A's first row is still in the file
    }

    [Fact]
    public void Keys_are_compared_exactly_and_a_blank_date_adds_no_day()
    {
        var rows = new UnchangedRows([1, 2, 3], [0], dateColumn: 1, "orders");

        Assert.False(rows.MustStage(["a1", null], 1));
        Assert.False(rows.MustStage(["A1", null], 2));
        Assert.False(rows.MustStage(["A1 ", null], 3));

        Assert.Equal((3L, 3L), (rows.Rows, rows.Unchanged));
        Assert.Null(rows.FirstDay);
    }
}
