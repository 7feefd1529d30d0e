using System.Data;
using CrmEtl.Host.Logging;
using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;
using Npgsql;

namespace CrmEtl.Host.Database;

/// <summary>
/// Applies run-once migrations with DbUp, in the order given, each in its own transaction, journaled with a checksum
/// in <c>migration_journal</c>. A changed applied script is refused by name before anything runs; a session advisory
/// lock keeps two processes from migrating at once.
/// </summary>
internal sealed class MigrationRunner(string connectionString)
{
    // Any constant works; it only has to be the same for every crm-etl process.
    public const long LockKey = 0x43524D45544C; // "CRMETL"

    public async Task<IReadOnlyList<string>> ApplyAsync(IEnumerable<MigrationScript> scripts, CancellationToken ct)
    {
        var all = scripts.ToList();
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await ExecAsync(conn, $"select pg_advisory_lock({LockKey})", ct);
        try
        {
            await ExecAsync(conn, ChecksumJournal.CreateTable, ct);
            var journal = await ReadJournalAsync(conn, ct);
            foreach (var script in all)
            {
                if (journal.TryGetValue(script.Name, out var checksum) && checksum != script.Checksum)
                    throw new InvalidOperationException(
                        $"migration {script.Name} ({script.Path}) was changed after it was applied " +
                        $"(journal checksum {checksum[..12]}, file {script.Checksum[..12]}); " +
                        "restore it and put the change in a new migration");
            }
            if (all.All(s => journal.ContainsKey(s.Name))) return [];
            return await Task.Run(() => Upgrade(all, journal.Keys), ct);
        }
        finally
        {
            await ExecAsync(conn, $"select pg_advisory_unlock({LockKey})", CancellationToken.None);
        }
    }

    private List<string> Upgrade(IReadOnlyList<MigrationScript> scripts, IEnumerable<string> executed)
    {
        var byName = scripts.ToDictionary(s => s.Name);
        var engine = DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScripts(scripts.Select(s => new SqlScript(s.Name, s.Sql)))
            .WithScriptSorter(given => given) // the order given: core first, then each plugin's, each by file name
            .JournalTo(new ChecksumJournal(byName, executed))
            .WithTransactionPerScript()
            .WithVariablesDisabled() // $$ bodies of functions are not DbUp variables
            .WithExecutionTimeout(null)
            .LogTo(new UpgradeLog())
            .Build();
        var started = DateTime.UtcNow;
        var result = engine.PerformUpgrade();
        if (!result.Successful)
        {
            var name = result.ErrorScript?.Name ?? "?";
            var path = byName.TryGetValue(name, out var s) ? s.Path : name;
            var detail = result.Error is PostgresException pg
                ? pg.MessageText + (pg.Position > 0 ? $" at character {pg.Position}" : "")
                : result.Error?.Message;
            throw new InvalidOperationException($"migration {name} ({path}) failed: {detail}", result.Error);
        }
        var applied = result.Scripts.Select(x => x.Name).ToList();
        foreach (var name in applied) Log.Info("db", "migrate.applied", name);
        Log.Debug("db", "migrate.timing", $"{applied.Count} script(s) in {(DateTime.UtcNow - started).TotalMilliseconds:0} ms");
        return applied;
    }

    private static async Task<Dictionary<string, string>> ReadJournalAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var journal = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var cmd = new NpgsqlCommand("select script, checksum from migration_journal", conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) journal[reader.GetString(0)] = reader.GetString(1);
        return journal;
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// DbUp's journal, kept in the table crm-etl always had: script name and the checksum of its text. What was applied
    /// is read by the runner under its lock, before DbUp starts.
    /// </summary>
    private sealed class ChecksumJournal(IReadOnlyDictionary<string, MigrationScript> scripts, IEnumerable<string> executed) : IJournal
    {
        public const string CreateTable = """
            create table if not exists migration_journal (
                script      text primary key,
                checksum    text not null,
                applied_at  timestamptz not null default now()
            )
            """;

        public string[] GetExecutedScripts() => [.. executed];

        public void StoreExecutedScript(SqlScript script, Func<IDbCommand> dbCommandFactory)
        {
            using var cmd = dbCommandFactory();
            cmd.CommandText = "insert into migration_journal (script, checksum) values (@script, @checksum)";
            cmd.Parameters.Add(new NpgsqlParameter("script", script.Name));
            cmd.Parameters.Add(new NpgsqlParameter("checksum", scripts[script.Name].Checksum));
            cmd.ExecuteNonQuery();
        }

        public void EnsureTableExistsAndIsLatestVersion(Func<IDbCommand> dbCommandFactory)
        {
            using var cmd = dbCommandFactory();
            cmd.CommandText = CreateTable;
            cmd.ExecuteNonQuery();
        }
    }

    private sealed class UpgradeLog : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) { }

        public void LogDebug(string format, params object[] args) { }

        public void LogInformation(string format, params object[] args) => Log.Debug("db", "migrate", Format(format, args));

        public void LogWarning(string format, params object[] args) => Log.Warn("db", "migrate", Format(format, args));

        public void LogError(string format, params object[] args) => Log.Debug("db", "migrate", Format(format, args));

        public void LogError(Exception ex, string format, params object[] args) => Log.Debug("db", "migrate", Format(format, args));

        private static string Format(string format, object[] args) =>
            args.Length == 0 ? format : string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args);
    }
}
