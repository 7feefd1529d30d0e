namespace CrmEtl.Fixtures;

/// <summary>One TumbleDry order with the values a test checks against.</summary>
public sealed record TdOrder(
    string OrderNo,
    DateTime OrderTime,
    string CustomerCode,
    string Name,
    string Address,
    string Mobile,
    string PhoneAsWritten,
    int Pieces,
    decimal Gross,
    decimal Discount,
    decimal Tax,
    decimal Net,
    decimal Advance,
    decimal Paid,
    string Status,
    string Services)
{
    public decimal Balance => Net - Paid - Advance;
}
