using System.Text.Json;
using CrmEtl.Host.Downloads;
using CrmEtl.Host.Logging;
using Npgsql;

namespace CrmEtl.Host.Ingestion;

/// <summary>
/// Failures that could not be recorded because the database was away: kept as files under $CRMETL_HOME/pending
/// (mode 0600) and written into ingest_audit and download_ledger by the next command that reaches the database,
/// before it marks the runs of dead processes abandoned. So an outage is recorded as what it was, once it is over.
/// </summary>
internal static class PendingRecords
{
    /// <summary>An ingestion that failed (<see cref="Status"/> failed), or a download that did not happen (failed or skipped, <see cref="Kind"/>).</summary>
    public sealed record Failure(Guid InvocationId, string Crm, string Dataset, string? StoreId, string? StoreCode, string? CostCenter,
        string FilePath, DateOnly? From, DateOnly? To, string? Md5, long? RunId, long? LedgerId, string Error, string ErrorStep,
        DateTimeOffset At, bool Downloaded = true, string Status = IngestOutcome.Failed, string? Kind = null);

    private static string Folder(string home) => Path.Combine(home, "pending");

    public static void Save(string home, Failure failure)
    {
        Directory.CreateDirectory(Folder(home));
        var path = Path.Combine(Folder(home), $"{failure.At:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(path, JsonSerializer.Serialize(failure));
    }

    /// <summary>Records every pending failure, oldest first; a file is removed once its record is written.</summary>
    public static async Task ReplayAsync(string home, string connectionString, CancellationToken ct)
    {
        if (!Directory.Exists(Folder(home))) return;
        foreach (var path in Directory.GetFiles(Folder(home), "*.json").Order(StringComparer.Ordinal))
        {
            var f = JsonSerializer.Deserialize<Failure>(await File.ReadAllTextAsync(path, ct))!;
            var store = f.StoreId is null ? null : new Store(f.Crm, f.StoreId, f.StoreCode ?? "", "", f.CostCenter ?? "");
            await using var conn = new NpgsqlConnection(connectionString);
            await conn.OpenAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            if (!f.Downloaded)
            {
                await DownloadLedger.NotDownloadedAsync(conn, tx, f.InvocationId, store!, f.Dataset, Path.GetFileName(f.FilePath),
                    f.From!.Value, f.To!.Value, f.Status, f.Kind, f.Error, ct, f.At);
            }
            else
            {
                var run = new RunIdentity(f.InvocationId, f.Crm, f.Dataset, store, null, f.FilePath, f.From, f.To, f.Md5);
                var runId = f.RunId ?? await AuditRecorder.StartAsync(conn, tx, run, ct);
                var outcome = new IngestOutcome(f.Crm, f.StoreId, f.FilePath, f.Md5, IngestOutcome.Failed, f.Error)
                    { Dataset = f.Dataset, RunId = runId, ErrorStep = f.ErrorStep, From = f.From, To = f.To };
                await AuditRecorder.FinishAsync(conn, tx, runId, outcome, ct);
                await DownloadLedger.IngestedAsync(conn, tx, f.LedgerId, f.InvocationId, f.Crm, f.Dataset, store, f.FilePath, f.From, f.To, outcome, ct);
            }
            await tx.CommitAsync(ct);
            File.Delete(path);
            Log.Info($"{f.Crm}/{f.StoreId ?? f.Dataset}", "record.late", $"{Path.GetFileName(f.FilePath)}: what failed at {f.At:u}, while the database was away, is recorded now");
        }
    }
}
