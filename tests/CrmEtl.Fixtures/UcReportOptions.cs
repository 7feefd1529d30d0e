namespace CrmEtl.Fixtures;

/// <summary>Which of the spec's quirks a generated UClean GST report shows.</summary>
public sealed record UcReportOptions
{
    /// <summary>Invoice Date as dd/MM/yyyy text (half with a time) instead of a date cell.</summary>
    public bool InvoiceDateAsText { get; init; }

    /// <summary>Every other row's amounts as text with separators.</summary>
    public bool MoneyAsText { get; init; }

    /// <summary>A final "Total" row with sums.</summary>
    public bool TotalRow { get; init; } = true;

    /// <summary>The column whose cell says "Total" (0 = S.No., 1 = Booking ID, 4 = Customer Name).</summary>
    public int TotalLabelColumn { get; init; }

    /// <summary>Added to the Total row's Total Invoice Value: non-zero makes it disagree with the rows.</summary>
    public decimal TotalError { get; init; }
}
