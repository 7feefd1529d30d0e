using CrmEtl.Host.Logging;
using Npgsql;

namespace CrmEtl.Host.Models;

/// <summary>
/// transform_state: per dataset, the version of the models every row of its tables was built with. Only while a
/// load's models are that version may a big file leave out the rows already loaded as they are (their rows would be
/// built the same again). A dataset with nothing staged yet takes the version of its first load; one whose models
/// changed is marked unknown until <c>transform --all</c> has rebuilt it.
/// </summary>
internal static class ModelState
{
    private static readonly HashSet<string> Warned = [];

    /// <summary>Whether the rows of <paramref name="set"/>'s tables were all built with its models. Outside the load's transaction.</summary>
    public static async Task<bool> IsCurrentAsync(NpgsqlConnection conn, ModelSet set, bool dryRun, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            select (select version from transform_state where source = $1),
                   exists (select 1 from transform_state where source = $1),
                   exists (select 1 from {Ingestion.StagingLoader.Quote(set.Dataset.StagingTable)})
            """, conn);
        cmd.Parameters.AddWithValue(set.StateKey);
        string? recorded;
        bool known, staged;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            (recorded, known, staged) = (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2));
        }
        if (recorded == set.Version) return true;
        if (!known && !staged)
        {
            if (!dryRun) await RecordAsync(conn, set.StateKey, set.Version, ct);
            return true;
        }
        if (!dryRun && (recorded is not null || !known)) await RecordAsync(conn, set.StateKey, null, ct);
        lock (Warned)
        {
            if (Warned.Add(set.StateKey))
                Log.Warn(set.Plugin.Info.Crm, "transform.rebuild_needed",
                    $"the models of '{set.StateKey}' are not the ones its tables were built with, so every row of a file is staged and " +
                    $"modelled again (slower); run ./crm-etl transform --crm {set.Plugin.Info.Crm} --report {set.Dataset.Name} --all to rebuild with them");
        }
        return false;
    }

    /// <summary>Records the version every row of a dataset's tables was built with (null: not known).</summary>
    public static async Task RecordAsync(NpgsqlConnection conn, string key, string? version, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into transform_state (source, version) values ($1, $2)
            on conflict (source) do update set version = excluded.version, updated_at = now()
            """, conn);
        cmd.Parameters.AddWithValue(key);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)version ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>After one batch was re-run with <paramref name="version"/>: a dataset recorded as built with another is no longer uniform.</summary>
    public static async Task ForgetOtherVersionAsync(NpgsqlConnection conn, string key, string version, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "update transform_state set version = null, updated_at = now() where source = $1 and version is distinct from $2", conn);
        cmd.Parameters.AddWithValue(key);
        cmd.Parameters.AddWithValue(version);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
