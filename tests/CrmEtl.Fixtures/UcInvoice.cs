namespace CrmEtl.Fixtures;

/// <summary>One UClean GST report line (an invoiced booking).</summary>
public sealed record UcInvoice(
    string BookingId,
    string InvoiceNo,
    DateTime InvoiceTime,
    string CustomerName,
    string Mobile,
    string PhoneAsWritten,
    string PaymentStatus,
    decimal Taxable,
    decimal Cgst,
    decimal Sgst)
{
    public decimal Total => Taxable + Cgst + Sgst;
}
