using System.Text.RegularExpressions;

namespace CrmEtl.Abstractions.Reports;

/// <summary>
/// The contract of a tabular report the host reads for a plugin: its columns (in any order; others are kept as extra
/// columns), the key column whose blank value means "not a row", the date and version columns, and the texts that
/// mark footer rows. Total rows are checked against the rows loaded; record counts against the rows read.
/// </summary>
public sealed class ReportLayout
{
    /// <summary>Columns every file must have; a missing one fails the file naming it.</summary>
    public required IReadOnlyList<ReportColumn> Columns { get; init; }

    /// <summary>Header of the key column (e.g. <c>Order No.</c>).</summary>
    public required string KeyHeader { get; init; }

    /// <summary>
    /// Whether the key names one row of a file (an order): of rows repeating it, only the last is loaded. False for a
    /// report with several rows per key (the payments of an order), where every row is its own. Default true.
    /// </summary>
    public bool UniqueKey { get; init; } = true;

    /// <summary>Header of the column that dates a row (e.g. <c>Order Date / Time</c>), or null.</summary>
    public string? DateHeader { get; init; }

    /// <summary>Header of the column that versions a row (e.g. <c>_updated_at</c>), or null: the later row of a key wins.</summary>
    public string? VersionHeader { get; init; }

    /// <summary>What a non-blank row with a blank key is. Default: not a row (a footer, a note), as the portals write.</summary>
    public BlankKey BlankKey { get; init; } = BlankKey.NotARow;

    /// <summary>
    /// Whether a complete file ends with a footer (a Total row, a record count or a generated-on line): a report that
    /// ends without one was cut short, and fails as incomplete. Default false.
    /// </summary>
    public bool RequireFooter { get; init; }

    /// <summary>Rows scanned for the header before giving up. Default 10 (the header is normally row 1).</summary>
    public int HeaderSearchRows { get; init; } = 10;

    /// <summary>
    /// Texts that make a key-less row a footer. Default: report-generated, computer-generated and
    /// powered-by lines; Total rows and record counts are always recognised.
    /// </summary>
    public IReadOnlyList<Regex> FooterPatterns { get; init; } = DefaultFooterPatterns;

    /// <summary>Whether a header in a file is the one expected: compared trimmed, white space folded, ignoring case.</summary>
    public static bool SameHeader(string expected, string actual) =>
        string.Equals(Fold(expected), Fold(actual), StringComparison.OrdinalIgnoreCase);

    /// <summary>The staging columns this layout fills, in the order of <see cref="Columns"/>.</summary>
    public IReadOnlyList<StagingColumn> StagingColumns() =>
        Columns.Select(c => new StagingColumn(c.StagingName, c.Kind)
        {
            InRowHash = c.InRowHash,
            IsKey = UniqueKey && SameHeader(KeyHeader, c.Header),
            IsDate = DateHeader is { } date && SameHeader(date, c.Header),
            IsVersion = VersionHeader is { } version && SameHeader(version, c.Header),
        }).ToArray();

    /// <summary>The default footer patterns.</summary>
    public static readonly IReadOnlyList<Regex> DefaultFooterPatterns =
    [
        new(@"^report\s+generated", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled),
        new(@"computer[\s-]+generated", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled),
        new(@"^powered\s+by", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled),
        new(@"^(printed|generated|downloaded)\s+(on|by|at)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled),
    ];

    private static string Fold(string header) => string.Join(' ', header.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}

/// <summary>What a row with a blank key is.</summary>
public enum BlankKey
{
    /// <summary>Not a data row: a footer, a note or a spacer, passed over (and counted when it is none of those).</summary>
    NotARow,

    /// <summary>A data row that cannot be loaded: rejected (or, in an all-or-nothing dataset, the file fails).</summary>
    Reject,
}
