using System.Text.Json;
using CrmEtl.Host.Cli;
using Npgsql;

namespace CrmEtl.Host.Commands;

/// <summary>Per store: the last successful window, the last run and its status, and how many orders it has.</summary>
internal static class StatusCommand
{
    private const string Sql = """
        select cc.crm, cc.store_id, cc.store_name, cc.cost_center,
               ok.from_date, ok.to_date, ok.finished_at,
               last.status, last.started_at, last.error_message,
               (select count(*) from orders o where o.cost_center = cc.cost_center) as orders
        from cost_centers cc
        left join lateral (
            select from_date, to_date, finished_at from ingest_audit a
            where a.crm = cc.crm and a.store = cc.store_id and a.status in ('succeeded', 'no_data')
            order by a.to_date desc nulls last, a.finished_at desc limit 1) ok on true
        left join lateral (
            select status, started_at, error_message from ingest_audit a
            where a.crm = cc.crm and a.store = cc.store_id
            order by a.started_at desc limit 1) last on true
        order by cc.crm, cc.store_id
        """;

    public static async Task<int> RunAsync(HostContext host, StatusOptions options, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(await host.DatabaseAsync(ct));
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(Sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var stores = new List<StoreStatus>();
        while (await reader.ReadAsync(ct))
        {
            stores.Add(new StoreStatus(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateOnly>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.GetInt64(10)));
        }

        if (options.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { stores },
                new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
            return 0;
        }
        Console.WriteLine($"{"crm",-7} {"store",-12} {"cost ctr",-8} {"last good window",-25} {"last run",-10} {"at (IST)",-17} {"orders",8}");
        foreach (var s in stores)
        {
            var window = s.LastSuccessFrom is null ? "never" : $"{s.LastSuccessFrom:yyyy-MM-dd} .. {s.LastSuccessTo:yyyy-MM-dd}";
            var at = s.LastRunAt is { } t ? TimeZoneInfo.ConvertTime(t, CliDates.India).ToString("yyyy-MM-dd HH:mm") : "-";
            Console.WriteLine($"{s.Crm,-7} {s.Store,-12} {s.CostCenter,-8} {window,-25} {s.LastRunStatus ?? "-",-10} {at,-17} {s.Orders,8}");
            if (s.LastRunStatus == "failed" && s.LastRunError is not null) Console.WriteLine($"        last error: {s.LastRunError}");
        }
        return 0;
    }

    private sealed record StoreStatus(
        string Crm, string Store, string Name, string CostCenter,
        DateOnly? LastSuccessFrom, DateOnly? LastSuccessTo, DateTimeOffset? LastSuccessAt,
        string? LastRunStatus, DateTimeOffset? LastRunAt, string? LastRunError, long Orders);
}
