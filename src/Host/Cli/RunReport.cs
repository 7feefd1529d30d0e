using System.Text.Json;
using System.Text.Json.Nodes;
using CrmEtl.Host.Downloads;
using CrmEtl.Host.Ingestion;

namespace CrmEtl.Host.Cli;

/// <summary>Prints run outcomes: a table for people (with a line per table written), or <c>{"runs":[...]}</c> for scripts.</summary>
internal static class RunReport
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static void Print(IReadOnlyList<IngestOutcome> outcomes, bool json, TextWriter? output = null)
    {
        output ??= Console.Out;
        if (json)
        {
            output.WriteLine(new JsonObject { ["runs"] = new JsonArray(outcomes.Select(o => (JsonNode)RunJson(o)).ToArray()) }.ToJsonString(Json));
            return;
        }
        output.WriteLine($"{"crm",-9} {"store/scope",-22} {"status",-18} {"read",7} {"staged",7} {"rejected",8} {"inserted",8} {"updated",7} {"unchanged",9}  file");
        foreach (var o in outcomes)
        {
            output.WriteLine($"{o.Crm,-9} {Where(o),-22} {Status(o),-18} {o.RowsRead,7} {o.RowsStaged,7} {o.Rejected,8} {o.Inserted,8} {o.Updated,7} {o.Unchanged,9}  {Path.GetFileName(o.File)}");
            Details(output, o);
        }
    }

    public static void Print(IReadOnlyList<DownloadOutcome> outcomes, bool json, TextWriter? output = null)
    {
        output ??= Console.Out;
        if (json)
        {
            var runs = outcomes.Select(d =>
            {
                var run = d.Ingest is { } i ? RunJson(i) : RunJson(new IngestOutcome(d.Crm, d.Store, d.File, null, d.Status, d.Error) { Dataset = d.Dataset });
                run["status"] = d.Status;
                run["error"] = d.Error;
                run["from"] = d.From.ToString("yyyy-MM-dd");
                run["to"] = d.To.ToString("yyyy-MM-dd");
                run["failure_kind"] = d.FailureKind;
                return (JsonNode)run;
            });
            output.WriteLine(new JsonObject { ["runs"] = new JsonArray(runs.ToArray()) }.ToJsonString(Json));
            return;
        }
        output.WriteLine($"{"crm",-7} {"store",-12} {"report",-9} {"window",-24} {"status",-18} {"read",7} {"staged",7} {"inserted",8} {"updated",7} {"unchanged",9}  file");
        foreach (var d in outcomes)
        {
            var i = d.Ingest;
            output.WriteLine($"{d.Crm,-7} {d.Store,-12} {d.Dataset,-9} {$"{d.From:yyyy-MM-dd}..{d.To:yyyy-MM-dd}",-24} {d.Status,-18} " +
                             $"{i?.RowsRead ?? 0,7} {i?.RowsStaged ?? 0,7} {i?.Inserted ?? 0,8} {i?.Updated ?? 0,7} {i?.Unchanged ?? 0,9}  {Path.GetFileName(d.File)}");
            if (i is not null) Details(output, i);
            else if (d.Error is not null) output.WriteLine($"        error: {d.Error}");
        }
    }

    /// <summary>One run as JSON: the fields `ingest --json` always had, the dataset, rejects and the tables written.</summary>
    private static JsonObject RunJson(IngestOutcome o) => new()
    {
        ["crm"] = o.Crm,
        ["dataset"] = o.Dataset,
        ["store"] = o.Store,
        ["scope"] = o.Scope,
        ["file"] = o.File,
        ["md5"] = o.Md5,
        ["status"] = o.Status,
        ["dry_run"] = o.DryRun,
        ["rows_read"] = o.RowsRead,
        ["rows_staged"] = o.RowsStaged,
        ["rejected"] = o.Rejected,
        ["inserted"] = o.Inserted,
        ["updated"] = o.Updated,
        ["unchanged"] = o.Unchanged,
        ["tables"] = new JsonArray(o.Tables.Select(t => (JsonNode)new JsonObject
        {
            ["table"] = t.Table, ["inserted"] = t.Inserted, ["updated"] = t.Updated, ["unchanged"] = t.Unchanged, ["deleted"] = t.Deleted,
        }).ToArray()),
        ["warnings"] = new JsonArray(o.Warnings.Select(w => (JsonNode)JsonValue.Create(w)).ToArray()),
        ["error"] = o.Error,
    };

    private static string Where(IngestOutcome o) => o.Store ?? o.Scope ?? o.Dataset;

    private static string Status(IngestOutcome o) => o.DryRun ? $"{o.Status} (dry run)" : o.Status;

    // Per table written, when the run wrote more than one or it is not obvious which; then warnings and the error.
    private static void Details(TextWriter output, IngestOutcome o)
    {
        foreach (var t in o.Tables)
            output.WriteLine($"        {t.Table}: {t.Inserted} inserted, {t.Updated} updated, {t.Unchanged} unchanged" + (t.Deleted > 0 ? $", {t.Deleted} deleted" : ""));
        foreach (var w in o.Warnings) output.WriteLine($"        warning: {w}");
        if (o.Error is not null) output.WriteLine($"        error: {o.Error}");
    }
}
