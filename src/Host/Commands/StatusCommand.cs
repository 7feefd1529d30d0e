using System.Text.Json;
using CrmEtl.Host.Cli;
using Npgsql;

namespace CrmEtl.Host.Commands;

/// <summary>
/// Per store: the last successful window, the last run and its status, its orders, and freshness: hours since
/// the last successful run, the days of the last 30 no successful run covered, and STALE past
/// freshness.staleHours. Exit 1 when a store is stale, so a monitor can call it.
/// </summary>
internal static class StatusCommand
{
    private const string Sql = """
        select cc.crm, cc.store_id, cc.store_name, cc.cost_center,
               ok.from_date, ok.to_date, ok.finished_at,
               last.status, last.started_at, last.error_message,
               (select count(*) from orders o where o.cost_center = cc.cost_center) as orders,
               extract(epoch from now() - ok.finished_at) / 3600 as hours_since_success,
               array(select d::date from generate_series($1::date - 29, $1::date, interval '1 day') d
                     where not exists (select 1 from ingest_audit a
                                       where a.crm = cc.crm and a.store = cc.store_id
                                         and a.status in ('succeeded', 'no_data', 'duplicate')
                                         and d::date between a.from_date and a.to_date)
                     order by d) as uncovered
        from cost_centers cc
        left join lateral (
            select from_date, to_date, finished_at from ingest_audit a
            where a.crm = cc.crm and a.store = cc.store_id and a.status in ('succeeded', 'no_data', 'duplicate')
            order by a.finished_at desc limit 1) ok on true
        left join lateral (
            select status, started_at, error_message from ingest_audit a
            where a.crm = cc.crm and a.store = cc.store_id
            order by a.started_at desc limit 1) last on true
        order by cc.crm, cc.store_id
        """;

    public static async Task<int> RunAsync(HostContext host, StatusOptions options, CancellationToken ct)
    {
        var stores = await ReadAsync(await host.DatabaseAsync(ct), host.Config.Freshness.StaleHours, ct);
        if (options.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { stale_hours = host.Config.Freshness.StaleHours, stores },
                new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
        }
        else
        {
            Console.WriteLine($"{"crm",-7} {"store",-12} {"cost ctr",-8} {"last good window",-25} {"hours ago",9} {"last run",-10} {"at (IST)",-17} {"orders",7}  freshness");
            foreach (var s in stores)
            {
                var window = s.LastSuccessFrom is null ? "never" : $"{s.LastSuccessFrom:yyyy-MM-dd} .. {s.LastSuccessTo:yyyy-MM-dd}";
                var at = s.LastRunAt is { } t ? TimeZoneInfo.ConvertTime(t, CliDates.India).ToString("yyyy-MM-dd HH:mm") : "-";
                var hours = s.HoursSinceSuccess is { } h ? h.ToString("0.0") : "-";
                var freshness = (s.Stale ? "STALE" : "ok") + (s.UncoveredDays.Count > 0 ? $"; {s.UncoveredDays.Count} of the last 30 days uncovered" : "");
                Console.WriteLine($"{s.Crm,-7} {s.Store,-12} {s.CostCenter,-8} {window,-25} {hours,9} {s.LastRunStatus ?? "-",-10} {at,-17} {s.Orders,7}  {freshness}");
                if (s.LastRunStatus is not ("succeeded" or "no_data" or "duplicate" or null) && s.LastRunError is not null)
                    Console.WriteLine($"        last error: {s.LastRunError}");
            }
        }
        return stores.Any(s => s.Stale) ? 1 : 0;
    }

    public static async Task<List<StoreStatus>> ReadAsync(string connectionString, double staleHours, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(Sql, conn);
        cmd.Parameters.AddWithValue(CliDates.TodayInIndia());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var stores = new List<StoreStatus>();
        while (await reader.ReadAsync(ct))
        {
            double? hours = reader.IsDBNull(11) ? null : Convert.ToDouble(reader.GetValue(11));
            stores.Add(new StoreStatus(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateOnly>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.GetInt64(10),
                hours is null ? null : Math.Round(hours.Value, 2),
                reader.GetFieldValue<DateOnly[]>(12).ToList(),
                hours is null || hours > staleHours));
        }
        return stores;
    }

    public sealed record StoreStatus(
        string Crm, string Store, string Name, string CostCenter,
        DateOnly? LastSuccessFrom, DateOnly? LastSuccessTo, DateTimeOffset? LastSuccessAt,
        string? LastRunStatus, DateTimeOffset? LastRunAt, string? LastRunError, long Orders,
        double? HoursSinceSuccess, List<DateOnly> UncoveredDays, bool Stale);
}
