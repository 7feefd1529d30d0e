namespace CrmEtl.Host.Ingestion;

/// <summary>What the merge did to orders, and the order dates the batch covered (when the merge says).</summary>
internal readonly record struct MergeCounts(long Inserted, long Updated, long Unchanged)
{
    public DateOnly? FirstOrderDate { get; init; }

    public DateOnly? LastOrderDate { get; init; }

    public static MergeCounts operator +(MergeCounts a, MergeCounts b) =>
        new(a.Inserted + b.Inserted, a.Updated + b.Updated, a.Unchanged + b.Unchanged)
        {
            FirstOrderDate = Earlier(a.FirstOrderDate, b.FirstOrderDate),
            LastOrderDate = Later(a.LastOrderDate, b.LastOrderDate),
        };

    private static DateOnly? Earlier(DateOnly? a, DateOnly? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static DateOnly? Later(DateOnly? a, DateOnly? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
