using System.Diagnostics;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Cli;

/// <summary>The benchmark runs end to end on a small N (figures are its business, not the tests').</summary>
[Collection("whole machine")]
public sealed class BenchTests
{
    [Fact]
    public async Task The_benchmark_runs_on_a_small_report_and_writes_its_table()
    {
        var output = Path.Combine(Repo.TempDir("bench"), "results.md");
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(Repo.Root, "bench", "CrmEtl.Bench", "bin", "Release", "net10.0", "crm-etl-bench.dll"),
            "run", "--sizes", "3000", "--portal-runs", "1", "--pandas-sizes", "3000", "--salespro-sizes", "2000", "--erpnext-documents", "300", "--leads-rows", "2000", "--web-orders", "3000", "--out", output])
            { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, await stdout + await stderr);
        var results = await File.ReadAllTextAsync(output);
        Assert.Matches(@"\| 3,000 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d,]+ \| \d+ / \d+ \| [\d.]+ / [\d.]+ \| [\d.]+ \| [\d.]+ \(30\) \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+× \|", results);
        Assert.Matches(@"3,000 rows: read_excel [\d.]+ s, normalise [\d.]+ s, COPY [\d.]+ s, merge [\d.]+ s, 3,000 orders merged", results);
        // SalesPro: the first load, the same file again, and 1% moved on (20 of 2,000 appointments updated)
        Assert.Matches(@"\| 2,000 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d,]+ \| \d+ \| [\d.]+ / [\d.]+ \| [\d.]+ \(20\) \|", results);
        Assert.Matches(@"\| 300 \| 2 × 10 \(20\) \| [\d.]+ \| [\d,]+ \| [\d.]+ \|", results); // 2 sites of 150 documents over 10 doctypes
        // leads: 2,000 rows over 20 sheets, first load (median of 3) and the same file again
        Assert.Matches(@"\| 2,000 \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d,]+ \| \d+ \| [\d.]+ / [\d.]+ \|\n", results);
        Assert.Matches(@"\| leads workbook, 20 sheets and 200,000 rows \(host total, median\) \| not measured in this run \|", results);
        // the web pages in Chromium and the API calls they make, on 3,000 orders (the 1 s goal is for 1M)
        Assert.Matches(@"\| `/leads` \| [\d.]+ \| [\d.]+ \|", results);
        Assert.Matches(@"\| `/api/v1/leads\?limit=50` \| [\d.]+ \| 50 \|", results);
        Assert.Matches(@"\| slowest web page until its data is drawn, 1M orders \(median of 5\) \| not measured in this run \|", results);
        Assert.Matches(@"their totals: 3,000: [\d.]+, [\d.]+, [\d.]+ s\.", results);
        Assert.Matches(@"\| all four stores \(default: 4 at once\) \| [\d.]+ \|", results);
        Assert.Matches(@"\| all four stores, --parallel 1 \| [\d.]+ \|", results);
        Assert.Matches(@"Host start-up to its first log line: median [\d.]+ s", results);
        // the goals against this run: the four-store and start-up ones are measured even on a small N
        Assert.Matches(@"\| four stores downloaded and ingested \(median\) \| [\d.]+ s \| ≤ 8 s \| (met|\*\*not met\*\*) \|", results);
        Assert.Matches(@"\| 1M-row report → orders \(host total, median of 3\) \| not measured in this run \|", results);
    }
}
