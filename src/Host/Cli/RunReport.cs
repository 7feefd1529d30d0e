using System.Text.Json;
using System.Text.Json.Serialization;
using CrmEtl.Host.Ingestion;

namespace CrmEtl.Host.Cli;

/// <summary>Prints run outcomes: a table for people, or <c>{"runs":[...]}</c> for scripts.</summary>
internal static class RunReport
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static void Print(IReadOnlyList<IngestOutcome> outcomes, bool json, bool withWindow = false, TextWriter? output = null)
    {
        output ??= Console.Out;
        if (json)
        {
            var runs = outcomes.Select(o => withWindow
                ? new DownloadRunJson(o.Crm, o.Store, o.File, o.Md5, o.Status, o.RowsRead, o.RowsStaged, o.Inserted, o.Updated, o.Unchanged, o.Error,
                    o.From?.ToString("yyyy-MM-dd"), o.To?.ToString("yyyy-MM-dd"), o.FailureKind)
                : (object)new RunJson(o.Crm, o.Store, o.File, o.Md5, o.Status, o.RowsRead, o.RowsStaged, o.Inserted, o.Updated, o.Unchanged, o.Error));
            output.WriteLine(JsonSerializer.Serialize(new { runs }, Json));
            return;
        }
        var window = withWindow ? $"{"window",-24} " : "";
        output.WriteLine($"{"crm",-7} {"store",-12} {window}{"status",-18} {"read",7} {"staged",7} {"inserted",8} {"updated",7} {"unchanged",9}  file");
        foreach (var o in outcomes)
        {
            var span = withWindow ? $"{$"{o.From:yyyy-MM-dd}..{o.To:yyyy-MM-dd}",-24} " : "";
            output.WriteLine($"{o.Crm,-7} {o.Store,-12} {span}{o.Status,-18} {o.RowsRead,7} {o.RowsStaged,7} {o.Inserted,8} {o.Updated,7} {o.Unchanged,9}  {Path.GetFileName(o.File)}");
            if (o.Error is not null) output.WriteLine($"        error: {o.Error}");
        }
    }

    private sealed record RunJson(
        string Crm, string Store, string File, string? Md5, string Status,
        long RowsRead, long RowsStaged, long Inserted, long Updated, long Unchanged, string? Error);

    private sealed record DownloadRunJson(
        string Crm, string Store, string File, string? Md5, string Status,
        long RowsRead, long RowsStaged, long Inserted, long Updated, long Unchanged, string? Error,
        string? From, string? To, string? FailureKind);
}
