namespace CrmEtl.Host.Downloads;

/// <summary>Which days a run asks each portal for.</summary>
internal static class WindowPlanner
{
    /// <summary>
    /// `--from auto`: the last covered day minus the overlap (idempotency makes re-reading harmless, and late
    /// edits in the portal are caught), or for a store with no history, <paramref name="firstRunDays"/> back.
    /// </summary>
    public static DateOnly AutoFrom(DateOnly? lastCoveredTo, DateOnly today, int overlapDays, int firstRunDays)
    {
        var from = lastCoveredTo is { } last ? last.AddDays(-Math.Max(0, overlapDays)) : today.AddDays(1 - Math.Max(1, firstRunDays));
        return from > today ? today : from;
    }

    /// <summary>[from, to] cut into requests of at most <paramref name="maxDays"/> days, oldest first.</summary>
    public static IReadOnlyList<(DateOnly From, DateOnly To)> Chunks(DateOnly from, DateOnly to, int maxDays)
    {
        var chunks = new List<(DateOnly, DateOnly)>();
        for (var start = from; start <= to; start = start.AddDays(Math.Max(1, maxDays)))
        {
            var end = start.AddDays(Math.Max(1, maxDays) - 1);
            chunks.Add((start, end < to ? end : to));
        }
        return chunks;
    }
}
