using CrmEtl.Abstractions;

namespace CrmEtl.Plugins.CrmApi;

/// <summary>A field of a CRM record as the warehouse reads it: its JSON name, how it is read, and what it may hold.</summary>
/// <param name="Name">The record's JSON field, also the staging column.</param>
/// <param name="Kind">Number (an integer in the seed's schema), Text, Instant (ISO 8601), DateTime (a date).</param>
/// <param name="Required">A record without it cannot be loaded.</param>
/// <param name="Allowed">The only values a text field may take (the seed's enums), or null.</param>
internal sealed record CrmField(string Name, CellKind Kind, bool Required = false, IReadOnlyList<string>? Allowed = null)
{
    /// <summary>Every number of the seed's schema is an integer (account_value, deal_size, the ids).</summary>
    public bool Whole => Kind == CellKind.Number;
}

/// <summary>One entity of the CRM API (accounts, contacts, deals): its path, key, fields and the warehouse table it fills.</summary>
internal sealed record CrmEntity(string Name, string Key, string Table, IReadOnlyList<CrmField> Fields)
{
    public static readonly IReadOnlyList<string> Regions = ["North America", "Europe", "Asia"];
    public static readonly IReadOnlyList<string> LeadSources = ["Website", "Referral", "Email Campaign"];
    public static readonly IReadOnlyList<string> DealStages = ["Prospecting", "Negotiation", "Closed-Won", "Closed-Lost"];

    public static readonly CrmEntity Accounts = new("accounts", "account_id", "accounts",
    [
        new("account_id", CellKind.Number, Required: true),
        new("account_name", CellKind.Text, Required: true),
        new("industry", CellKind.Text, Required: true),
        new("account_value", CellKind.Number, Required: true),
        new("region", CellKind.Text, Required: true, Regions),
        new("updated_at", CellKind.Instant, Required: true),
    ]);

    public static readonly CrmEntity Contacts = new("contacts", "contact_id", "contacts",
    [
        new("contact_id", CellKind.Text, Required: true),
        new("first_name", CellKind.Text, Required: true),
        new("last_name", CellKind.Text, Required: true),
        new("email", CellKind.Text, Required: true),
        new("job_title", CellKind.Text),
        new("lead_source", CellKind.Text, Required: true, LeadSources),
        new("last_contact_date", CellKind.DateTime),
        new("updated_at", CellKind.Instant, Required: true),
    ]);

    public static readonly CrmEntity Deals = new("deals", "deal_id", "deals",
    [
        new("deal_id", CellKind.Number, Required: true),
        new("deal_name", CellKind.Text, Required: true),
        new("deal_size", CellKind.Number),
        new("probability_of_closure", CellKind.Text, Required: true),
        new("deal_stage", CellKind.Text, Required: true, DealStages),
        new("account_id", CellKind.Number, Required: true),
        new("created_at", CellKind.Instant, Required: true),
        new("updated_at", CellKind.Instant, Required: true),
    ]);

    public static readonly IReadOnlyList<CrmEntity> All = [Accounts, Contacts, Deals];

    public CrmField? Field(string name) => Fields.FirstOrDefault(f => f.Name == name);
}
