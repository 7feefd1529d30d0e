namespace CrmEtl.Abstractions.Api;

/// <summary>Where pulled rows go: straight into the run's staging copy. Not thread-safe: add from one task at a time.</summary>
public interface IRowSink
{
    /// <summary>Adds a row, one value per <see cref="IApiSource.Columns"/> entry (values are copied at once).</summary>
    void Add(IReadOnlyList<object?> values);

    /// <summary>A record that cannot be loaded; counted against <c>--max-rejects</c>.</summary>
    void Reject(RowReject reject);

    /// <summary>Rows added so far.</summary>
    long Count { get; }
}
