namespace CrmEtl.Sandbox;

/// <summary>
/// A login of the sandbox portals. These are made-up sandbox credentials, published on purpose so tests
/// and the demo can log in; the real portals' credentials never appear in this repository.
/// </summary>
public sealed record SandboxAccount(string Crm, string StoreId, string StoreCode, string User, string Password)
{
    public static readonly IReadOnlyList<SandboxAccount> All =
    [
        new("td", "a668", "a668", "owner.a668", "sandbox-a668"),
        new("td", "a817", "a817", "owner.a817", "sandbox-a817"),
        new("uc", "sector56", "UC567", "sector56@sandbox.test", "sandbox-sector56"),
        new("uc", "sushantlok1", "UC610", "sushantlok1@sandbox.test", "sandbox-sushantlok1"),
    ];
}
