using CrmEtl.Host.Commands;
using CrmEtl.Host.Config;
using CrmEtl.Host.Downloads;
using CrmEtl.Host.Ingestion;
using Npgsql;

namespace CrmEtl.Host.Alerts;

/// <summary>
/// After a download run: alerts for failures (session_expired, failed, timeout, portal_changed, and
/// portal_unavailable when it repeats) and for stores gone stale; at most one per store and kind per IST day
/// unless the store recovered in between; a recovery message when a store that was alerted is well again.
/// </summary>
internal sealed class AlertService(CrmEtlConfig config, string connectionString, Guid runId)
{
    private static readonly HashSet<string> Alerted = ["session_expired", "login_failed", "failed", "timeout", "portal_changed", "portal_unavailable", "stale"];

    public const string Unnoticed = "no alerts are configured (alerts.webhookUrl or alerts.smtp in crm-etl.json): failures will go unnoticed";

    public async Task NotifyAsync(IReadOnlyList<DownloadOutcome> outcomes, CancellationToken ct, string? home = null)
    {
        var sender = new AlertSender(config.Alerts);
        if (!sender.Configured)
        {
            WarnOncePerDay(home);
            return;
        }
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);

        foreach (var store in outcomes.GroupBy(o => (o.Crm, o.Store)))
        {
            var failure = store.FirstOrDefault(o => !o.IsOk);
            if (failure is null)
            {
                await RecoverAsync(conn, sender, store.Key.Crm, store.Key.Store, except: "stale", ct: ct);
                continue;
            }
            var kind = failure.Status == IngestOutcome.Failed ? "failed" : failure.Status;
            if (!Alerted.Contains(kind)) continue;
            if (kind == "portal_unavailable" && !await RepeatedAsync(conn, failure, ct)) continue;
            var fix = kind is "session_expired" or "login_failed" ? Commands.BootstrapCommand.For(failure.Crm, failure.Store) : null;
            await SendOnceAsync(conn, sender, new Alert(runId, failure.Crm, failure.Store, kind, failure.From, failure.To,
                failure.Error ?? kind, fix), ct);
        }

        // a store the configuration no longer runs (disabled, removed) is not stale: it is not downloaded on purpose
        foreach (var s in (await StatusCommand.ReadAsync(connectionString, config.Freshness.StaleHours, ct)).Select(s => StatusCommand.WithConfiguration(config, s)))
        {
            if (!s.Stale)
            {
                await RecoverAsync(conn, sender, s.Crm, s.Store, only: "stale", ct: ct);
                continue;
            }
            var since = s.HoursSinceSuccess is { } h ? $"for {h:0.#} hours" : "ever";
            await SendOnceAsync(conn, sender, new Alert(runId, s.Crm, s.Store, "stale", s.LastSuccessFrom, s.LastSuccessTo,
                $"{s.Crm}/{s.Store} has had no successful download {since} (threshold {config.Freshness.StaleHours:0.#} h)", null), ct);
        }
    }

    // Said in the log on the first run of each IST day, not on every run: the operator reads the log daily.
    private static void WarnOncePerDay(string? home)
    {
        if (home is null) return;
        var marker = Path.Combine(home, "alerts-unconfigured.day");
        var today = Cli.CliDates.TodayInIndia().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        if (File.Exists(marker) && File.ReadAllText(marker).Trim() == today) return;
        Logging.Log.Warn("alerts", "alerts.none", Unnoticed);
        Directory.CreateDirectory(home);
        File.WriteAllText(marker, today);
    }

    // One per store and kind per IST day while it stays open.
    private static async Task SendOnceAsync(NpgsqlConnection conn, AlertSender sender, Alert alert, CancellationToken ct)
    {
        await using (var check = new NpgsqlCommand("""
            select 1 from alert_state
            where crm = $1 and store = $2 and kind = $3 and open
              and (last_sent_at at time zone 'Asia/Kolkata')::date = (now() at time zone 'Asia/Kolkata')::date
            """, conn))
        {
            check.Parameters.AddWithValue(alert.Crm);
            check.Parameters.AddWithValue(alert.Store);
            check.Parameters.AddWithValue(alert.Kind);
            if (await check.ExecuteScalarAsync(ct) is not null) return;
        }
        await sender.SendAsync(alert, ct);
        await using var upsert = new NpgsqlCommand("""
            insert into alert_state (crm, store, kind, last_sent_at, open, message) values ($1, $2, $3, now(), true, $4)
            on conflict (crm, store, kind) do update set last_sent_at = now(), open = true, message = excluded.message
            """, conn);
        upsert.Parameters.AddWithValue(alert.Crm);
        upsert.Parameters.AddWithValue(alert.Store);
        upsert.Parameters.AddWithValue(alert.Kind);
        upsert.Parameters.AddWithValue(alert.Message);
        await upsert.ExecuteNonQueryAsync(ct);
    }

    private async Task RecoverAsync(NpgsqlConnection conn, AlertSender sender, string crm, string store,
        string? except = null, string? only = null, CancellationToken ct = default)
    {
        var kinds = new List<string>();
        await using (var close = new NpgsqlCommand("""
            update alert_state set open = false
            where crm = $1 and store = $2 and open and ($3::text is null or kind <> $3) and ($4::text is null or kind = $4)
            returning kind
            """, conn))
        {
            close.Parameters.AddWithValue(crm);
            close.Parameters.AddWithValue(store);
            close.Parameters.Add(new NpgsqlParameter { Value = (object?)except ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            close.Parameters.Add(new NpgsqlParameter { Value = (object?)only ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            await using var reader = await close.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) kinds.Add(reader.GetString(0));
        }
        foreach (var kind in kinds)
            await sender.SendAsync(new Alert(runId, crm, store, kind, null, null, $"{crm}/{store} is well again after {kind}", null, Recovery: true), ct);
    }

    // portal_unavailable is often a blip: alert only when the last N runs for the store all ended so.
    private async Task<bool> RepeatedAsync(NpgsqlConnection conn, DownloadOutcome failure, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select count(*) = $3 and bool_and(coalesce(failure_kind, '') = 'portal_unavailable')
            from (select failure_kind
                  from (select distinct on (invocation_id) invocation_id, id, failure_kind from download_ledger
                        where crm = $1 and store = $2 and origin = 'download'
                        order by invocation_id, id desc) last_of_each_run
                  order by id desc
                  limit $3) recent
            """, conn);
        cmd.Parameters.AddWithValue(failure.Crm);
        cmd.Parameters.AddWithValue(failure.Store);
        cmd.Parameters.AddWithValue((long)Math.Max(1, config.Alerts.UnavailableRepeats));
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
