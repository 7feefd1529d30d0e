using CrmEtl.Abstractions;

namespace CrmEtl.Host.Ingestion;

/// <summary>
/// A run's rejected rows: counted, the first ones kept for ingest_rejects. One more than the run allows stops it at
/// once (the reader's next row never comes), so a file of a million bad rows fails in the time of a few.
/// </summary>
internal sealed class RejectList(int maxRejects, bool allOrNothing)
{
    private const int MostKept = 1000;
    private readonly List<RowReject> _kept = [];

    public long Count { get; private set; }

    public IReadOnlyList<RowReject> Kept => _kept;

    public void Add(RowReject reject)
    {
        lock (_kept)
        {
            Count++;
            if (_kept.Count < MostKept) _kept.Add(reject);
            if (Count > maxRejects) throw new TooManyRejectsException(Count, maxRejects, allOrNothing, _kept[0]);
        }
    }

    /// <summary>With the models' rejects added: fails the run when there are too many.</summary>
    public void CheckTotal(long modelRejects)
    {
        if (Count + modelRejects > maxRejects) throw new TooManyRejectsException(Count + modelRejects, maxRejects, allOrNothing, _kept.FirstOrDefault());
    }

    public sealed class TooManyRejectsException(long count, int max, bool allOrNothing, RowReject? first) : Exception(
        (allOrNothing
            ? $"{(count == 1 ? "a row" : $"{count} rows")} could not be loaded, and this file loads all or nothing"
            : $"{count} row(s) rejected, more than --max-rejects {max}; nothing was loaded") +
        (first is null ? "" : $" (first: {Describe(first)})"));

    public static string Describe(RowReject r) =>
        $"{(r.Sheet is null ? "" : $"sheet '{r.Sheet}', ")}row {r.Row}{(r.Column is null ? "" : $", column '{r.Column}'")}: {r.Reason}";
}
