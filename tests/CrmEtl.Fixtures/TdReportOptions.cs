namespace CrmEtl.Fixtures;

/// <summary>Which of the spec's quirks a generated TumbleDry Order Report shows.</summary>
public sealed record TdReportOptions
{
    /// <summary>Order Date / Time as a real date cell instead of text.</summary>
    public bool OrderTimeAsDateCell { get; init; }

    /// <summary>Every other amount as text with thousands separators ("1,234.50").</summary>
    public bool MoneyAsText { get; init; } = true;

    /// <summary>Zero amounts left blank.</summary>
    public bool ZeroAsBlank { get; init; } = true;

    /// <summary>A "Total" row with sums after the data.</summary>
    public bool TotalRow { get; init; } = true;

    /// <summary>Added to the Total row's Net Amount: non-zero makes the Total disagree with the rows.</summary>
    public decimal TotalNetError { get; init; }

    /// <summary>"Total Records : N", "Report Generated On", "computer generated", "Powered by" rows.</summary>
    public bool Footers { get; init; } = true;

    /// <summary>A row with a blank order number in the middle (not an order).</summary>
    public bool BlankOrderNoRow { get; init; }
}
