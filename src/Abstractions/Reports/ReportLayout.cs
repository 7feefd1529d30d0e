using System.Text.RegularExpressions;

namespace CrmEtl.Abstractions.Reports;

/// <summary>
/// The contract of a tabular report: its columns, the column whose blank value means "not an order",
/// and the texts that mark footer rows. A plugin declares one and gets a streaming parser for it.
/// </summary>
public sealed class ReportLayout
{
    /// <summary>Columns every file must have; others are kept as extra columns.</summary>
    public required IReadOnlyList<ReportColumn> Columns { get; init; }

    /// <summary>Header of the business key column (e.g. <c>Order No.</c>); a blank key is not an order.</summary>
    public required string KeyHeader { get; init; }

    /// <summary>
    /// Header of the column that dates an order (e.g. <c>Order Date / Time</c>), or null. With it and the key, the host
    /// can leave out of staging the rows orders already holds as they are, and still report the days the file covers.
    /// </summary>
    public string? OrderDateHeader { get; init; }

    /// <summary>Rows scanned for the header before giving up. Default 10 (the header is normally row 1).</summary>
    public int HeaderSearchRows { get; init; } = 10;

    /// <summary>
    /// Texts that make a key-less row a footer. Default: report-generated, computer-generated and
    /// powered-by lines; Total rows and record counts are always recognised.
    /// </summary>
    public IReadOnlyList<Regex> FooterPatterns { get; init; } = DefaultFooterPatterns;

    /// <summary>Whether a header in a file is the one expected: compared trimmed, spaces folded, ignoring case.</summary>
    public static bool SameHeader(string expected, string actual) =>
        string.Equals(CellValues.Fold(expected), CellValues.Fold(actual), StringComparison.OrdinalIgnoreCase);

    /// <summary>The default footer patterns.</summary>
    public static readonly IReadOnlyList<Regex> DefaultFooterPatterns =
    [
        new(@"^report\s+generated", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled),
        new(@"computer[\s-]+generated", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled),
        new(@"^powered\s+by", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled),
        new(@"^(printed|generated|downloaded)\s+(on|by|at)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled),
    ];
}
