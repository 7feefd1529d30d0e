using Npgsql;

namespace CrmEtl.Host;

/// <summary>Looks stores up in cost_centers (kept from the stores of crm-etl.json).</summary>
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

    /// <summary>
    /// Makes cost_centers carry the stores of crm-etl.json, the one place stores are defined, each with the source
    /// system its plugin writes (<paramref name="sourceSystems"/>, by crm key).
    /// </summary>
    public static async Task SyncAsync(string connectionString, IEnumerable<Config.StoreConfig> stores,
        IReadOnlyDictionary<string, string> sourceSystems, CancellationToken ct)
    {
        var list = stores.Where(s => s.Crm.Length > 0 && s.Code.Length > 0).ToList();
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        foreach (var s in list)
        {
            await using var cmd = new NpgsqlCommand("""
                insert into cost_centers (crm, store_id, store_code, store_name, cost_center, source_system) values ($1, $2, $3, $4, $5, $6)
                on conflict (crm, store_code) do update
                   set store_id = excluded.store_id, store_name = excluded.store_name, cost_center = excluded.cost_center,
                       source_system = excluded.source_system
                 where (cost_centers.store_id, cost_centers.store_name, cost_centers.cost_center, cost_centers.source_system)
                       is distinct from (excluded.store_id, excluded.store_name, excluded.cost_center, excluded.source_system)
                """, conn);
            foreach (var value in new[] { s.Crm, s.Id, s.Code, s.Name, s.CostCenter }) cmd.Parameters.AddWithValue(value);
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)sourceSystems.GetValueOrDefault(s.Crm) ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            await cmd.ExecuteNonQueryAsync(ct);
        }
        // Stores a plugin's own migration brought in (a dropped-in source's): their source system too.
        foreach (var (crm, system) in sourceSystems)
        {
            await using var fill = new NpgsqlCommand("update cost_centers set source_system = $2 where crm = $1 and source_system is distinct from $2", conn);
            fill.Parameters.AddWithValue(crm);
            fill.Parameters.AddWithValue(system);
            await fill.ExecuteNonQueryAsync(ct);
        }
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
