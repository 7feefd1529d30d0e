namespace CrmEtl.Host;

/// <summary>A store as cost_centers knows it.</summary>
internal sealed record Store(string Crm, string Id, string Code, string Name, string CostCenter)
{
    /// <summary>Name without spaces, as canonical file names use it: UttamNagar.</summary>
    public string FileName => string.Concat(Name.Where(c => !char.IsWhiteSpace(c)));
}
