namespace CrmEtl.Host.Models;

/// <summary>What a load did to one table.</summary>
internal sealed record TableCounts(string Table, long Inserted, long Updated, long Unchanged, long Deleted = 0)
{
    public static TableCounts operator +(TableCounts a, TableCounts b) =>
        new(a.Table, a.Inserted + b.Inserted, a.Updated + b.Updated, a.Unchanged + b.Unchanged, a.Deleted + b.Deleted);

    /// <summary>Counts of the same table summed, in the order the tables were first written.</summary>
    public static IReadOnlyList<TableCounts> Sum(IEnumerable<TableCounts> counts) =>
        counts.GroupBy(c => c.Table).Select(g => g.Aggregate((x, y) => x + y)).ToList();
}
