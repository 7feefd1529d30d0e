namespace CrmEtl.Host.Ingestion;

/// <summary>What the merge did to orders.</summary>
internal readonly record struct MergeCounts(long Inserted, long Updated, long Unchanged)
{
    public static MergeCounts operator +(MergeCounts a, MergeCounts b) =>
        new(a.Inserted + b.Inserted, a.Updated + b.Updated, a.Unchanged + b.Unchanged);
}
