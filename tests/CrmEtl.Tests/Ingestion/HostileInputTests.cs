using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CrmEtl.Fixtures;
using CrmEtl.Host.Ingestion;
using CrmEtl.Tests.Support;
using Npgsql;

namespace CrmEtl.Tests.Ingestion;

/// <summary>
/// What an attacker or an accident puts in front of the tool: files that are damaged in ways that load partly, values
/// the database cannot hold, paths that are not files, settings that climb out of their folders. Each fails fast,
/// clearly (file, row, column, what is wrong), recorded, changing nothing; or is refused before anything is written.
/// </summary>
public sealed class HostileInputTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private readonly string _dir = Repo.TempDir("hostile");
    private readonly Pipeline _pipeline = new(db.ConnectionString);
    private static readonly DateOnly Day = new(2025, 6, 2);

    private string TdSheet(string name, Func<string, string> edit)
    {
        var good = Files.Td(_dir, TdOrderReport.Orders("a668", Day, count: 20), name: "good-" + name);
        var path = Path.Combine(_dir, name);
        using (var source = ZipFile.OpenRead(good))
        using (var target = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var entry in source.Entries)
            {
                using var reader = new StreamReader(entry.Open());
                var text = reader.ReadToEnd();
                if (entry.FullName == "xl/worksheets/sheet1.xml") text = edit(text);
                using var writer = new StreamWriter(target.CreateEntry(entry.FullName).Open(), new UTF8Encoding(false));
                writer.Write(text);
            }
        }
        return path;
    }

    private async Task AssertFailsNamingAsync(string file, params string[] says)
    {
        var before = await Db.ScalarAsync<long>(db.ConnectionString, "select count(*) from orders");
        var outcome = await _pipeline.IngestAsync("td", "a668", file);
        Assert.True(outcome.Status == IngestOutcome.Failed, $"{Path.GetFileName(file)} {outcome.Status}: {outcome.Error}");
        Assert.Contains(Path.GetFileName(file), outcome.Error);
        foreach (var s in says) Assert.True(outcome.Error!.Contains(s), $"'{s}' not in: {outcome.Error}");
        Assert.Equal(before, await Db.ScalarAsync<long>(db.ConnectionString, "select count(*) from orders"));
        Assert.Equal("failed", await Db.ScalarAsync<string>(db.ConnectionString, "select status from ingest_audit where run_id = $1", outcome.RunId!.Value));
    }

    [Fact]
    public async Task Sheet_XML_that_is_not_well_formed_fails_naming_the_row_and_never_loads_part_of_the_file()
    {
        // What loaded partly, with exit 0, before: a </c> removed, a </row> removed, junk inside a row, a tag missing its
        // '>', and a well-formed sheet cut after a row (its footer gone).
        string? rowOfCut = null;
        var noCellEnd = TdSheet("no-cell-end.xlsx", x =>
        {
            var at = NthIndex(x, "</x:c>", 200);
            rowOfCut = Regex.Matches(x[..at], "<x:row r=\"(\\d+)\"")[^1].Groups[1].Value;
            return x.Remove(at, "</x:c>".Length);
        });
        await AssertFailsNamingAsync(noCellEnd, $"row {rowOfCut}:", "<c> inside a cell");
        await AssertFailsNamingAsync(TdSheet("no-row-end.xlsx", x => RemoveNth(x, "</x:row>", 0)), "row 1");
        await AssertFailsNamingAsync(TdSheet("junk.xlsx", x => x.Insert(x.IndexOf('>', NthIndex(x, "<x:row", 5)) + 1, new string('#', 4096))), "row 6");
        await AssertFailsNamingAsync(TdSheet("junk-in-tag.xlsx", x => x.Insert(NthIndex(x, " t=\"inlineStr\"", 260), " ####")), "damaged");
        await AssertFailsNamingAsync(TdSheet("no-gt.xlsx", x => x.Remove(NthIndex(x, "t=\"inlineStr\">", 300) + "t=\"inlineStr\"".Length, 1)), "damaged");
        await AssertFailsNamingAsync(TdSheet("cut.xlsx", x => x[..NthIndex(x, "<x:row", 11)] + "</x:sheetData></x:worksheet>"), "ends without its footer");
    }

    [Fact]
    public async Task A_byte_flipped_inside_a_zip_entry_fails_its_checksum()
    {
        // Deflate's stored blocks carry bytes as they are: a flip there changes a letter, which only the CRC-32 tells.
        var good = Files.Td(_dir, TdOrderReport.Orders("a668", Day, count: 20), name: "crc-good.xlsx");
        var entries = new Dictionary<string, byte[]>();
        using (var zip = ZipFile.OpenRead(good))
            foreach (var e in zip.Entries)
            {
                using var s = e.Open();
                using var m = new MemoryStream();
                s.CopyTo(m);
                entries[e.FullName] = m.ToArray();
            }
        var path = Path.Combine(_dir, "crc.xlsx");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
            foreach (var (name, content) in entries)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                s.Write(content);
            }
        var bytes = await File.ReadAllBytesAsync(path);
        var at = bytes.AsSpan().IndexOf("Delivered"u8);
        bytes[at + 2] = (byte)'X'; // "DeXivered", a valid letter where another was
        await File.WriteAllBytesAsync(path, bytes);

        await AssertFailsNamingAsync(path, "checksum");
    }

    [Fact]
    public async Task What_no_report_can_be_fails_fast_in_bounded_memory()
    {
        var clock = Stopwatch.StartNew();
        await AssertFailsNamingAsync(TdSheet("far-row.xlsx", x => x.Replace("</x:sheetData>", "<x:row r=\"2000000000\"/></x:sheetData>")), "1,048,576 rows");
        await AssertFailsNamingAsync(TdSheet("far-column.xlsx", x => x.Replace("</x:sheetData>", "<x:row r=\"900\"><x:c r=\"ZZZZZZ900\"><x:v>1</x:v></x:c></x:row></x:sheetData>")), "16,384 columns");
        await AssertFailsNamingAsync(TdSheet("huge-cell.xlsx", x => x.Replace("</x:sheetData>",
            $"<x:row r=\"900\"><x:c t=\"inlineStr\"><x:is><x:t>{new string('A', 40_000_000)}</x:t></x:is></x:c></x:row></x:sheetData>")), "more than");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_path_that_is_not_a_regular_file_is_refused_at_once_and_recorded()
    {
        var fifo = Path.Combine(_dir, "pipe.xlsx");
        Process.Start("mkfifo", [fifo])!.WaitForExit();
        var link = Path.Combine(_dir, "zero.xlsx");
        File.CreateSymbolicLink(link, "/dev/zero");
        foreach (var (path, says) in new[] { ("/dev/zero", "not a regular file"), (link, "not a regular file"), (fifo, "fifo"), (_dir, "directory") })
        {
            var clock = Stopwatch.StartNew();
            var outcome = await _pipeline.IngestAsync("td", "a668", path);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{path}: {clock.Elapsed}");
            Assert.Equal(IngestOutcome.Failed, outcome.Status);
            Assert.Contains(says, outcome.Error);
            Assert.Equal("failed", await Db.ScalarAsync<string>(db.ConnectionString, "select status from ingest_audit where run_id = $1", outcome.RunId!.Value));
        }
    }

    [Fact]
    public async Task Values_the_database_cannot_hold_name_their_row_column_and_what_is_wrong()
    {
        var orders = TdOrderReport.Orders("a668", Day.AddDays(1), count: 6);
        var huge = Files.Td(_dir, orders, bend: t => t.Rows[2][14] = 1e300, name: "huge-amount.xlsx");
        var longKey = Files.Td(_dir, orders, bend: t => t.Rows[3][1] = new string('K', 3000), name: "long-key.xlsx");

        await AssertFailsNamingAsync(huge, "row 4", "'Net Amount'", "larger than any amount");
        await AssertFailsNamingAsync(longKey, "row 5", "'Order No.'", "3,000 characters");

        // In a CSV: a NUL character in a name, and bytes that are not UTF-8.
        const string header = "Order ID,Invoice No,Order Date Time,Customer Name,Customer Mobile,Customer Code,Gross Amount,Discount,Taxable Amount,Tax,Net Amount,Payment Mode,Payment Status,Order Status\n";
        var nul = Path.Combine(_dir, "nul.csv");
        await File.WriteAllTextAsync(nul, header + "M-1,I-1,03/06/2025 10:00,As\0ha,9876543210,C1,10,0,10,0,10,UPI,Paid,Done\n");
        var manual = await _pipeline.IngestAsync("manual", "a668", nul);
        Assert.Equal(IngestOutcome.Failed, manual.Status);
        Assert.Contains("row 2, column 'Customer Name'", manual.Error);
        Assert.Contains("NUL", manual.Error);
        var latin = Path.Combine(_dir, "latin1.csv");
        await File.WriteAllBytesAsync(latin, [.. Encoding.ASCII.GetBytes(header + "M-2,I-2,03/06/2025 10:00,Jos"), 0xE9, .. "e,9876543210,C1,10,0,10,0,10,UPI,Paid,Done\n"u8.ToArray()]);
        var bad = await _pipeline.IngestAsync("manual", "a668", latin);
        Assert.Equal(IngestOutcome.Failed, bad.Status);
        Assert.Contains("row 2", bad.Error);
        Assert.Contains("UTF-8", bad.Error);
    }

    [Fact]
    public async Task A_symbolic_link_to_another_file_never_puts_its_content_into_the_error()
    {
        var secret = Path.Combine(_dir, "secret.txt");
        await File.WriteAllTextAsync(secret, "root-password=hunter2,other\nsecond line\n");
        var link = Path.Combine(_dir, "report.csv");
        File.CreateSymbolicLink(link, secret);

        var outcome = await _pipeline.IngestAsync("manual", "a668", link);

        Assert.Equal(IngestOutcome.Failed, outcome.Status);
        Assert.DoesNotContain("hunter2", outcome.Error);
        Assert.Equal(0, await Db.ScalarAsync<long>(db.ConnectionString, "select count(*) from ingest_audit where error_message like '%hunter2%'"));
    }

    [Fact]
    public async Task A_run_records_when_it_really_finished()
    {
        var file = Files.Td(_dir, TdOrderReport.Orders("a668", Day.AddDays(2), count: 3000), name: "timed.xlsx");
        var outcome = await _pipeline.IngestAsync("td", "a668", file);
        Assert.Equal(IngestOutcome.Succeeded, outcome.Status);
        // finished_at is when the run finished, not when its transaction began
        Assert.True(await Db.ScalarAsync<double>(db.ConnectionString,
            "select extract(epoch from finished_at - started_at) from ingest_audit where run_id = $1", outcome.RunId!.Value) > 0.05);
    }

    [Fact]
    public async Task A_load_does_not_wait_for_another_loads_statistics()
    {
        // What ANALYZE of the same staging table by another load holds.
        await using var other = new NpgsqlConnection(db.ConnectionString);
        await other.OpenAsync();
        await using var tx = await other.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("lock table stg_td_order_report in share update exclusive mode", other, tx)) await hold.ExecuteNonQueryAsync();

        var clock = Stopwatch.StartNew();
        var outcome = await _pipeline.IngestAsync("td", "a668", Files.Td(_dir, TdOrderReport.Orders("a668", Day.AddDays(3), count: 1200), name: "no-wait.xlsx"));

        Assert.Equal(IngestOutcome.Succeeded, outcome.Status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        await tx.RollbackAsync();
    }

    private static int NthIndex(string s, string what, int n)
    {
        var at = -1;
        for (var i = 0; i <= n; i++) at = s.IndexOf(what, at + 1, StringComparison.Ordinal);
        return at;
    }

    private static string RemoveNth(string s, string what, int n) => s.Remove(NthIndex(s, what, n), what.Length);
}
