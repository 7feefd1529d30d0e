using Npgsql;

namespace CrmEtl.Host;

/// <summary>Looks stores up in cost_centers (seeded with the four stores of the spec).</summary>
internal static class StoreDirectory
{
    public static async Task<IReadOnlyList<Store>> AllAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var stores = new List<Store>();
        await using var cmd = new NpgsqlCommand(
            "select crm, store_id, store_code, store_name, cost_center from cost_centers order by crm, store_id", conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            stores.Add(new Store(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
        return stores;
    }

    /// <summary>
    /// The store named by --store (its id, code or cost center, any case). Manual entries may name a store of
    /// any CRM, since they cover what the CRMs missed.
    /// </summary>
    public static async Task<Store> ResolveAsync(NpgsqlConnection conn, string crm, string store, CancellationToken ct)
    {
        var all = await AllAsync(conn, ct);
        var candidates = crm == "manual" ? all : all.Where(s => s.Crm == crm).ToList();
        var found = candidates.FirstOrDefault(s => Same(s.Id, store))
                    ?? candidates.FirstOrDefault(s => Same(s.Code, store))
                    ?? candidates.FirstOrDefault(s => Same(s.CostCenter, store));
        return found ?? throw new UsageException(
            $"unknown --store '{store}' for --crm {crm}; known: {string.Join(", ", candidates.Select(s => s.Id).Distinct())} " +
            "(stores live in the cost_centers table)");
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
