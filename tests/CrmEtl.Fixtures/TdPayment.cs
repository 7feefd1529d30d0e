namespace CrmEtl.Fixtures;

/// <summary>One payment of a TumbleDry order, as the Sales &amp; Delivery report lists it.</summary>
/// <param name="ModeAsWritten">As the portal writes it (" Package ", "upi", blank).</param>
/// <param name="Mode">The normalised mode a test expects in payment_mode_summary.</param>
public sealed record TdPayment(
    TdOrder Order,
    DateTime PaidAt,
    decimal Received,
    decimal Adjustments,
    decimal Balance,
    string? ModeAsWritten,
    string Mode,
    string? TransactionId,
    string Type);
