namespace CrmEtl.Abstractions.Api;

/// <summary>
/// Rows pulled from an HTTP API, one scope at a time (an ERPNext instance and doctype, a CRM entity). Each scope is
/// one run: its rows and the cursor after them are committed together, so a pull that dies never moves a cursor
/// past rows that were not loaded.
/// </summary>
public interface IApiSource
{
    /// <summary>The staging columns every row fills, in order.</summary>
    IReadOnlyList<StagingColumn> Columns { get; }

    /// <summary>
    /// When the schedule pulls this source, as IST times of day (HH:mm), unless crm-etl.json's <c>schedule.pulls</c>
    /// names other times for it. Empty: the schedule does not pull it.
    /// </summary>
    IReadOnlyList<string> PullTimes => ["02:00"];

    /// <summary>Options of <c>pull</c> for this source (e.g. <c>--instance</c>), shown in its help.</summary>
    IReadOnlyList<Commands.PluginOption> Options => [];

    /// <summary>
    /// The scopes a pull covers, in the order they run, as the options given select them. A scope that could not be
    /// listed (its instance refused the credentials) carries its error: it is recorded as a failed run, and the others go on.
    /// </summary>
    Task<IReadOnlyList<PullScope>> ScopesAsync(PullContext context, CancellationToken ct);

    /// <summary>
    /// Adds the scope's records changed since <paramref name="cursor"/> (null: all) to <paramref name="rows"/> and
    /// returns the cursor after them. Throws <see cref="ApiException"/> for a failure of the API.
    /// </summary>
    Task<string?> PullAsync(PullContext context, string scope, string? cursor, IRowSink rows, CancellationToken ct);
}
