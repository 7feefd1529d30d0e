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
                     order by d) as uncovered,
               (select count(*) from orders o where o.cost_center = cc.cost_center and o.source_missing_batch is not null) as missing
        from cost_centers cc
        -- the window: of the last successful run that covered days (a file ingested again, a duplicate, covers none anew)
        left join lateral (
            select from_date, to_date,
                   (select max(b.finished_at) from ingest_audit b
                    where b.crm = cc.crm and b.store = cc.store_id and b.status in ('succeeded', 'no_data', 'duplicate')) as finished_at
            from ingest_audit a
            where a.crm = cc.crm and a.store = cc.store_id and a.status in ('succeeded', 'no_data', 'duplicate') and a.from_date is not null
            order by a.finished_at desc limit 1) ok on true
        left join lateral (
            select status, started_at, error_message from ingest_audit a
            where a.crm = cc.crm and a.store = cc.store_id
            order by a.started_at desc limit 1) last on true
        order by cc.crm, cc.store_id
        """;

    public static async Task<int> RunAsync(HostContext host, StatusOptions options, CancellationToken ct)
    {
        var report = await ReportAsync(host, await host.DatabaseAsync(ct), ct);
        var stores = report.Stores;
        if (options.Json)
            Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
        else
        {
            Console.WriteLine($"home {host.Paths.Home}; database {report.Database}");
            Console.WriteLine($"alerts: {report.Alerts ?? Alerts.AlertService.Unnoticed}");
            Console.WriteLine($"{"crm",-7} {"store",-12} {"cost ctr",-8} {"last good window",-25} {"hours ago",9} {"last run",-10} {"at (IST)",-17} {"orders",7} {"session",-12}  freshness");
            foreach (var s in stores)
            {
                var window = s.LastSuccessFrom is null ? "never" : $"{s.LastSuccessFrom:yyyy-MM-dd} .. {s.LastSuccessTo:yyyy-MM-dd}";
                var at = s.LastRunAt is { } t ? TimeZoneInfo.ConvertTime(t, CliDates.India).ToString("yyyy-MM-dd HH:mm") : "-";
                var hours = s.HoursSinceSuccess is { } h ? h.ToString("0.0") : "-";
                var session = s.State != "enabled" ? "-" : s.SessionAgeHours is { } age ? $"{age / 24:0.0} days old" : "none";
                var freshness = s.State != "enabled" ? s.State
                    : (s.Stale ? "STALE" : "ok") + (s.UncoveredDays.Count > 0 ? $"; {s.UncoveredDays.Count} of the last 30 days uncovered" : "");
                Console.WriteLine($"{s.Crm,-7} {s.Store,-12} {s.CostCenter,-8} {window,-25} {hours,9} {s.LastRunStatus ?? "-",-10} {at,-17} {s.Orders,7} {session,-12}  {freshness}");
                if (s.State == "enabled" && s.LastRunStatus is not ("succeeded" or "no_data" or "duplicate" or null) && s.LastRunError is not null)
                    Console.WriteLine($"        last error: {s.LastRunError}");
                if (s.OrdersMissing > 0)
                    Console.WriteLine($"        {s.OrdersMissing} orders no longer listed by the portal (orders.source_missing_since)");
                if (s.State == "enabled" && s.SessionAgeHours is null && s.SessionFile is not null)
                    Console.WriteLine($"        no saved session ({s.SessionFile}): {BootstrapCommand.For(s.Crm, s.Store)}");
            }
        }
        // Only a store the configuration runs can be stale: a disabled or removed one is history, not an alarm.
        return stores.Any(s => s.Stale) ? 1 : 0;
    }

    /// <summary>What status --json prints and the web API's /stores gives.</summary>
    public static async Task<StatusReport> ReportAsync(HostContext host, string connectionString, CancellationToken ct)
    {
        var (_, database) = await AdminCommands.DatabaseInfoAsync(connectionString, ct);
        var stores = (await ReadAsync(connectionString, host.Config.Freshness.StaleHours, ct)).Select(s => WithConfiguration(host.Config, s)).ToList();
        var alerts = new Alerts.AlertSender(host.Config.Alerts);
        return new StatusReport(host.Paths.Home, database, alerts.Configured ? alerts.Describe() : null, host.Config.Freshness.StaleHours, stores);
    }

    /// <summary>
    /// What the configuration says of a store: enabled, disabled or removed (its orders stay), and its session file.
    /// Only an enabled store can be stale (status and the alerts both ask here).
    /// </summary>
    public static StoreStatus WithConfiguration(Config.CrmEtlConfig config, StoreStatus s)
    {
        var store = config.Stores.FirstOrDefault(c => string.Equals(c.Crm, s.Crm, StringComparison.OrdinalIgnoreCase) &&
                                                      string.Equals(c.Id, s.Store, StringComparison.OrdinalIgnoreCase));
        var state = store is null ? "removed" : store.Enabled ? "enabled" : "disabled";
        string? file = store?.Profile is { Length: > 0 } profile ? Path.GetFullPath(profile, config.BaseDirectory) : null;
        double? age = file is not null && File.Exists(file) ? Math.Round((DateTime.UtcNow - File.GetLastWriteTimeUtc(file)).TotalHours, 2) : null;
        return s with { State = state, Stale = s.Stale && state == "enabled", SessionFile = file, SessionAgeHours = age };
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
                hours is null || hours > staleHours) { OrdersMissing = reader.GetInt64(13) });
        }
        return stores;
    }

    public sealed record StatusReport(string Home, string Database, string? Alerts, double StaleHours, List<StoreStatus> Stores);

    public sealed record StoreStatus(
        string Crm, string Store, string Name, string CostCenter,
        DateOnly? LastSuccessFrom, DateOnly? LastSuccessTo, DateTimeOffset? LastSuccessAt,
        string? LastRunStatus, DateTimeOffset? LastRunAt, string? LastRunError, long Orders,
        double? HoursSinceSuccess, List<DateOnly> UncoveredDays, bool Stale)
    {
        /// <summary>Orders a complete file of their days no longer lists (kept, marked: orders.source_missing_since).</summary>
        public long OrdersMissing { get; init; }

        /// <summary>enabled, disabled (crm-etl.json says so) or removed (no longer in crm-etl.json).</summary>
        public string State { get; init; } = "enabled";

        /// <summary>The store's saved browser session, and its age (null when there is none).</summary>
        public string? SessionFile { get; init; }

        public double? SessionAgeHours { get; init; }
    }
}
