namespace CrmEtl.Host.Alerts;

/// <summary>What an operator is told. <see cref="Fix"/> is the command that mends it, where there is one.</summary>
internal sealed record Alert(
    Guid RunId,
    string Crm,
    string Store,
    string Kind,
    DateOnly? From,
    DateOnly? To,
    string Message,
    string? Fix,
    bool Recovery = false)
{
    public string Subject => Recovery
        ? $"[crm-etl] {Crm}/{Store} recovered ({Kind})"
        : $"[crm-etl] {Crm}/{Store} {Kind}";
}
