using System.Text.RegularExpressions;
using CrmEtl.Host.Logging;
using Npgsql;

namespace CrmEtl.Host.Database;

/// <summary>
/// A database made before the baselines (its journal holds sql/legacy's scripts) is brought to the last legacy
/// version with the legacy scripts it lacks, then upgraded in place by sql/upgrades/from_legacy.sql, in one
/// transaction that also journals the baselines the upgrade stands for; the baselines never run on it.
/// </summary>
internal static partial class LegacyUpgrade
{
    private const string FirstLegacy = "core/0001_core_tables.sql";

    public static async Task RunIfNeededAsync(string connectionString, string sqlRoot, IReadOnlyList<MigrationScript> current, CancellationToken ct)
    {
        await using (var check = new NpgsqlConnection(connectionString))
        {
            await check.OpenAsync(ct);
            if (!await NeedsAsync(check, ct)) return;
        }

        await new MigrationRunner(connectionString).ApplyAsync(MigrationScript.FromFolder("core", Path.Combine(sqlRoot, "legacy")), ct);
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using (var lockCmd = new NpgsqlCommand($"select pg_advisory_lock({MigrationRunner.LockKey})", conn)) await lockCmd.ExecuteNonQueryAsync(ct);
        try
        {
            if (!await NeedsAsync(conn, ct)) return; // another process upgraded it meanwhile
            var path = Path.Combine(sqlRoot, "upgrades", "from_legacy.sql");
            var sql = await File.ReadAllTextAsync(path, ct);
            var standsFor = StandsFor().Match(sql).Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            await using var tx = await conn.BeginTransactionAsync(ct);
            try
            {
                await using (var upgrade = new NpgsqlCommand(sql, conn, tx)) await upgrade.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException e)
            {
                throw new InvalidOperationException($"the upgrade {path} failed: {e.MessageText}", e);
            }
            foreach (var script in current.Where(s => standsFor.Contains(s.Name)))
            {
                await using var journal = new NpgsqlCommand("insert into migration_journal (script, checksum) values ($1, $2)", conn, tx);
                journal.Parameters.AddWithValue(script.Name);
                journal.Parameters.AddWithValue(script.Checksum);
                await journal.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
            Log.Info("db", "migrate.upgraded", $"the database was upgraded in place to the baseline ({string.Join(", ", standsFor)})");
        }
        finally
        {
            await using var unlock = new NpgsqlCommand($"select pg_advisory_unlock({MigrationRunner.LockKey})", conn);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static async Task<bool> NeedsAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        // Two statements: the second cannot even be planned before the journal exists.
        await using var exists = new NpgsqlCommand("select to_regclass('migration_journal') is not null", conn);
        if (!(bool)(await exists.ExecuteScalarAsync(ct))!) return false;
        await using var cmd = new NpgsqlCommand("""
            select exists (select 1 from migration_journal where script = $1)
               and not exists (select 1 from migration_journal where script = 'core/0001_baseline.sql')
            """, conn);
        cmd.Parameters.AddWithValue(FirstLegacy);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    [GeneratedRegex(@"^--\s*stands for:\s*(.+)$", RegexOptions.Multiline)]
    private static partial Regex StandsFor();
}
