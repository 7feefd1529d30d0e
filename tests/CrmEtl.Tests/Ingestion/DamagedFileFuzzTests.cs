using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CrmEtl.Fixtures;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Ingestion;

/// <summary>
/// Valid TumbleDry and UClean reports, damaged in every way a file gets damaged (byte flips, truncations, removed or
/// renamed zip entries, malformed sheet XML, reports cut short, bombs), with a fixed seed, each through the real CLI:
/// either exactly the original's content loads, or the run fails naming the file, records it and changes nothing;
/// always within 10 s and 300 MB. Two hundred processes: run on a quiet machine, four at a time.
/// </summary>
[Collection("whole machine")]
public sealed partial class DamagedFileFuzzTests
{
    private const int Seed = 20261129;
    private readonly string _dir = Repo.TempDir("fuzz");

    private sealed record Case(string Kind, string Crm, string Store, string Path, int Rows);

    [Fact]
    public async Task Every_damaged_report_fails_clearly_or_loads_exactly_the_original_in_bounded_time_and_memory()
    {
        var cs = await TestCluster.CreateMigratedDatabaseAsync("fuzz");
        var random = new Random(Seed);
        var td = Files.Td(_dir, TdOrderReport.Orders("a668", new DateOnly(2025, 8, 4), count: 80), name: "td-original.xlsx");
        var uc = Files.Uc(_dir, UcGstReport.Invoices("UC567", new DateOnly(2025, 8, 4), count: 50), name: "uc-original.xlsx");
        var cases = Mutants("td", "a668", td, 80, random).Concat(Mutants("uc", "sector56", uc, 50, random)).ToList();
        Assert.True(cases.Count >= 200, $"only {cases.Count} cases");

        // The originals load first: a mutant that loads must then change nothing.
        foreach (var (crm, store, file) in new[] { ("td", "a668", td), ("uc", "sector56", uc) })
            Assert.Equal(0, (await Host(cs).RunAsync("ingest", "--crm", crm, "--store", store, "--file", file)).ExitCode);
        const string fingerprint = "select count(*) || '|' || sum(net_amount) || '|' || md5(string_agg(source_order_id || source_hash, ',' order by source_order_id)) from orders";
        var before = await Db.ScalarAsync<string>(cs, fingerprint);

        var problems = new List<string>();
        var tally = new Dictionary<string, (int Failed, int Loaded)>();
        using var gate = new SemaphoreSlim(4);
        await Task.WhenAll(cases.Select(async c =>
        {
            await gate.WaitAsync();
            try
            {
                var (verdict, problem) = await RunAsync(cs, c);
                lock (problems)
                {
                    if (problem is not null) problems.Add($"{c.Kind} {Path.GetFileName(c.Path)}: {problem}");
                    var (failed, loaded) = tally.GetValueOrDefault(c.Kind);
                    tally[c.Kind] = verdict == "failed" ? (failed + 1, loaded) : (failed, loaded + 1);
                }
            }
            finally
            {
                gate.Release();
            }
        }));

        var summary = string.Join("; ", tally.OrderBy(t => t.Key).Select(t => $"{t.Key}: {t.Value.Failed} failed, {t.Value.Loaded} loaded the original"));
        Console.WriteLine($"fuzz: {cases.Count} cases (seed {Seed}): {summary}");
        Assert.True(problems.Count == 0, $"{problems.Count} of {cases.Count} cases broke the rule:\n" + string.Join("\n", problems.Take(40)));
        Assert.Equal(before, await Db.ScalarAsync<string>(cs, fingerprint));
        var failures = tally.Values.Sum(v => v.Failed);
        Assert.Equal(failures, await Db.ScalarAsync<long>(cs, "select count(*) from ingest_audit where status = 'failed'"));
        Assert.Equal(failures, await Db.ScalarAsync<long>(cs, "select count(*) from download_ledger where status = 'failed'"));
        Assert.All(cases, c => Assert.True(File.Exists(c.Path)));
    }

    private static HostProcess Host(string cs)
    {
        var host = new HostProcess(cs);
        host.Environment["CRMETL_LOG_LEVEL"] = "Debug";
        return host;
    }

    private static async Task<(string Verdict, string? Problem)> RunAsync(string cs, Case c)
    {
        var clock = Stopwatch.StartNew();
        var result = await Host(cs).RunAsync("ingest", "--crm", c.Crm, "--store", c.Store, "--file", c.Path, "--json");
        var seconds = clock.Elapsed.TotalSeconds;
        if (seconds > 10) return ("failed", $"took {seconds:0.0} s");
        var rss = PeakRss().Match(result.Stderr) is { Success: true } m ? long.Parse(m.Groups[1].Value) : -1;
        if (rss is < 0 or > 300) return ("failed", $"peak RSS {rss} MB");
        if (result.Stdout.Length == 0) return ("failed", $"no result: {result}");
        var run = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("runs")[0];
        var status = run.GetProperty("status").GetString();
        if (status == "failed")
        {
            var error = run.GetProperty("error").GetString() ?? "";
            if (result.ExitCode != 1) return ("failed", $"failed with exit {result.ExitCode}");
            if (!error.Contains(Path.GetFileName(c.Path))) return ("failed", $"the error does not name the file: {error}");
            if (Regex.IsMatch(error, "NullReference|IndexOutOfRange|InvalidCast|ObjectDisposed|ArgumentOutOfRange")) return ("failed", $"unclear error: {error}");
            return ("failed", null);
        }
        var (inserted, updated, unchanged) = (run.GetProperty("inserted").GetInt64(), run.GetProperty("updated").GetInt64(), run.GetProperty("unchanged").GetInt64());
        return status == "succeeded" && inserted == 0 && updated == 0 && unchanged == c.Rows
            ? ("loaded", null)
            : ("loaded", $"{status}: {inserted} inserted, {updated} updated, {unchanged} unchanged of {c.Rows}: not the original's content");
    }

    private IEnumerable<Case> Mutants(string crm, string store, string original, int rows, Random random)
    {
        var bytes = File.ReadAllBytes(original);
        var entries = Entries(bytes);
        var sheet = Encoding.UTF8.GetString(entries["xl/worksheets/sheet1.xml"]);
        Case Make(string kind, string name, byte[] content)
        {
            var path = Path.Combine(_dir, $"{crm}-{kind}-{name}.xlsx");
            File.WriteAllBytes(path, content);
            return new Case(kind, crm, store, path, rows);
        }
        Case Xml(string kind, string name, string xml) => Make(kind, name, Zip(entries, ("xl/worksheets/sheet1.xml", Encoding.UTF8.GetBytes(xml))));

        // Byte flips anywhere in the file: local headers, compressed data, checksums, the central directory.
        for (var i = 0; i < 45; i++)
        {
            var copy = (byte[])bytes.Clone();
            for (var n = random.Next(1, 4); n > 0; n--) copy[random.Next(copy.Length)] ^= (byte)random.Next(1, 256);
            yield return Make("flip", $"{i:D2}", copy);
        }
        // Cut short anywhere.
        for (var i = 0; i < 20; i++) yield return Make("truncate", $"{i:D2}", bytes[..random.Next(1, bytes.Length)]);
        // Each entry missing, and the sheet and the workbook renamed.
        foreach (var entry in entries.Keys)
            yield return Make("entry-removed", entry.Replace('/', '_'), Zip(entries.Where(e => e.Key != entry).ToDictionary()));
        yield return Make("entry-renamed", "sheet", Zip(entries.ToDictionary(e => e.Key.Replace("sheet1.xml", "sheet9.xml"), e => e.Value)));
        yield return Make("entry-renamed", "workbook", Zip(entries.ToDictionary(e => e.Key.Replace("workbook.xml", "Workbook.xml"), e => e.Value)));

        // Sheet XML that is not well formed, well-formed XML that is not a sheet, a report cut short. The writer puts
        // a prefix on every element (x:row), as some do.
        var x = Regex.Match(sheet, "<(\\w+:)?sheetData").Groups[1].Value;
        var end = $"</{x}sheetData>";
        var rowStarts = Regex.Matches(sheet, $"<{x}row[ >]").Select(m => m.Index).ToList();
        var cellEnds = Regex.Matches(sheet, $"</{x}c>").Select(m => m.Index).ToList();
        var rowEnds = Regex.Matches(sheet, $"</{x}row>").Select(m => m.Index).ToList();
        var cellTags = Regex.Matches(sheet, $"<{x}c [^>]*>").Select(m => m.Index + m.Length - 1).ToList();
        for (var i = 0; i < 4; i++)
        {
            var at = cellEnds[random.Next(cellEnds.Count)];
            yield return Xml("xml-no-cell-end", $"{i}", sheet.Remove(at, 4 + x.Length));
            var rowEnd = rowEnds[random.Next(rowEnds.Count - 1)];
            yield return Xml("xml-no-row-end", $"{i}", sheet.Remove(rowEnd, 6 + x.Length));
            var row = rowStarts[random.Next(1, rowStarts.Count)];
            var inside = sheet.IndexOf('>', row) + 1;
            yield return Xml("xml-junk-in-row", $"{i}", sheet.Insert(inside, new string('#', 4096) + "junk"));
            yield return Xml("xml-no-gt", $"{i}", sheet.Remove(cellTags[random.Next(cellTags.Count)], 1));
            yield return Xml("xml-foreign-element", $"{i}", sheet.Insert(inside, "<foo>1</foo>"));
            // well-formed, cut after a row: the footer is gone
            var cut = rowStarts[random.Next(2, rowStarts.Count - 3)];
            yield return Xml("cut-short", $"{i}", sheet[..cut] + $"{end}</{x}worksheet>");
        }
        yield return Xml("xml-early-end", "0", sheet.Insert(rowStarts[rows / 2], end));
        yield return Xml("xml-bad-utf8", "0", sheet.Replace(">Pending<", ">Pend\u0001ing<")); // replaced below by raw bytes
        var utf8 = entries["xl/worksheets/sheet1.xml"].ToArray();
        var text = Encoding.UTF8.GetBytes(sheet).AsSpan().IndexOf(Encoding.UTF8.GetBytes($"</{x}t>"));
        if (text > 0)
        {
            utf8[text - 1] = 0xC3; // a lead byte with no continuation
            yield return Make("xml-bad-utf8", "1", Zip(entries, ("xl/worksheets/sheet1.xml", utf8)));
        }

        // Bombs: what no report holds, in a few kilobytes.
        var next = rowStarts.Count + 5;
        yield return Xml("bomb-far-row", "0", sheet.Replace(end, $"<{x}row r=\"2000000000\"/>{end}"));
        yield return Xml("bomb-far-column", "0", sheet.Replace(end, $"<{x}row r=\"{next}\"><{x}c r=\"ZZZZZZ{next}\"><{x}v>1</{x}v></{x}c></{x}row>{end}"));
        yield return Xml("bomb-empty-rows", "0", sheet.Replace(end, string.Concat(Enumerable.Repeat($"<{x}row/>", 3_000_000)) + end));
        yield return Xml("bomb-huge-cell", "0", sheet.Replace(end, $"<{x}row r=\"{next}\"><{x}c t=\"inlineStr\"><{x}is><{x}t>{new string('A', 60_000_000)}</{x}t></{x}is></{x}c></{x}row>{end}"));
        yield return Make("bomb-shared-strings", "0", Zip(entries, ("xl/sharedStrings.xml",
            Encoding.UTF8.GetBytes($"<sst xmlns=\"{RawXlsx.MainNamespace}\">" + string.Concat(Enumerable.Repeat($"<si><t>{new string('s', 30_000)}</t></si>", 2_500)) + "</sst>"))));
        yield return Xml("bomb-deep-text", "0", sheet.Replace(end, $"<{x}row r=\"{next}\">{new string(' ', 50_000_000)}</{x}row>{end}"));
    }

    private static Dictionary<string, byte[]> Entries(byte[] xlsx)
    {
        using var zip = new ZipArchive(new MemoryStream(xlsx), ZipArchiveMode.Read);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var s = e.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            return m.ToArray();
        });
    }

    private static byte[] Zip(IReadOnlyDictionary<string, byte[]> entries, params (string Name, byte[] Content)[] replaced)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var all = entries.ToDictionary();
            foreach (var (name, content) in replaced) all[name] = content;
            foreach (var (name, content) in all)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                s.Write(content);
            }
        }
        return buffer.ToArray();
    }

    [GeneratedRegex(@"peak RSS (\d+) MB")]
    private static partial Regex PeakRss();
}
