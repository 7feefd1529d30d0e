using CrmEtl.Host.Downloads;

namespace CrmEtl.Tests.Portals;

public sealed class WindowPlannerTests
{
    private static readonly DateOnly Today = new(2025, 11, 12);

    [Fact]
    public void A_store_without_history_goes_back_the_first_run_days() =>
        Assert.Equal(new DateOnly(2025, 11, 6), WindowPlanner.AutoFrom(null, Today, overlapDays: 1, firstRunDays: 7));

    [Fact]
    public void Later_runs_start_at_the_last_covered_day_minus_the_overlap() =>
        Assert.Equal(new DateOnly(2025, 11, 9), WindowPlanner.AutoFrom(new DateOnly(2025, 11, 10), Today, overlapDays: 1, firstRunDays: 7));

    [Fact]
    public void A_history_reaching_past_today_still_asks_for_today() =>
        Assert.Equal(Today, WindowPlanner.AutoFrom(new DateOnly(2025, 11, 20), Today, overlapDays: 1, firstRunDays: 7));

    [Fact]
    public void Long_windows_are_cut_into_requests_of_at_most_max_days()
    {
        var chunks = WindowPlanner.Chunks(new DateOnly(2025, 10, 1), new DateOnly(2025, 10, 31), maxDays: 7);
        Assert.Equal(5, chunks.Count);
        Assert.Equal((new DateOnly(2025, 10, 1), new DateOnly(2025, 10, 7)), chunks[0]);
        Assert.Equal((new DateOnly(2025, 10, 29), new DateOnly(2025, 10, 31)), chunks[^1]);
        Assert.All(chunks.Zip(chunks.Skip(1)), p => Assert.Equal(p.First.To.AddDays(1), p.Second.From));
    }
}
