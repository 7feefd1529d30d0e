using System.IO.Compression;
using CrmEtl.Fixtures;
using CrmEtl.Host.Ingestion;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Ingestion;

/// <summary>
/// Hundreds of broken files, generated here, each through the real pipeline: every one must end as a
/// recorded failure with a message naming the file, never an unhandled exception, and orders stay untouched.
/// </summary>
public sealed class GarbageFileTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private readonly Pipeline _pipeline = new(db.ConnectionString);
    private readonly string _dir = Repo.TempDir("garbage");

    [Fact]
    public async Task Every_broken_file_fails_clearly_and_changes_nothing()
    {
        var cases = TdCases().Concat(UcCases()).ToList();
        Assert.True(cases.Count >= 200, $"only {cases.Count} cases");
        var problems = new List<string>();

        foreach (var (crm, store, path) in cases)
        {
            var outcome = await _pipeline.IngestAsync(crm, store, path);
            var name = Path.GetFileName(path);
            if (outcome.Status != IngestOutcome.Failed)
                problems.Add($"{name}: {outcome.Status}, expected failed");
            else if (outcome.Error is null || !outcome.Error.Contains(name))
                problems.Add($"{name}: error does not name the file: {outcome.Error}");
            else if (outcome.Error.Contains("NullReference") || outcome.Error.Contains("IndexOutOfRange") || outcome.Error.Contains("InvalidCast"))
                problems.Add($"{name}: unclear error: {outcome.Error}");
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal(0, await Db.ScalarAsync<long>(db.ConnectionString, "select count(*) from orders"));
        Assert.Equal(0, await Db.ScalarAsync<long>(db.ConnectionString, "select count(*) from stg_td_order_report"));
        Assert.Equal(cases.Count, await Db.ScalarAsync<long>(db.ConnectionString, "select count(*) from ingest_audit where status = 'failed'"));
        Assert.Equal(cases.Count, await Db.ScalarAsync<long>(db.ConnectionString, "select count(*) from download_ledger where status = 'failed'"));
        Assert.All(cases, c => Assert.True(File.Exists(c.Path)));
    }

    private IEnumerable<(string Crm, string Store, string Path)> TdCases()
    {
        var day = new DateOnly(2025, 9, 1);
        var orders = TdOrderReport.Orders("a668", day, count: 30);
        var good = Files.Td(_dir, orders, name: "good-td.xlsx");
        var bytes = File.ReadAllBytes(good);
        var random = new Random(42);

        // Each of the 42 columns renamed, and each removed.
        foreach (var (header, i) in TdOrderReport.Headers.Select((h, i) => (h, i)))
        {
            yield return ("td", "a668", Files.Td(_dir, orders, bend: t => t.RenameHeader(header, header + " X"), name: $"td-renamed-{i:D2}.xlsx"));
            yield return ("td", "a668", Files.Td(_dir, orders, bend: t => t.RemoveColumn(header), name: $"td-removed-{i:D2}.xlsx"));
        }

        // Truncated at 40 lengths.
        for (var i = 1; i <= 40; i++)
            yield return ("td", "a668", Write($"td-truncated-{i:D2}.xlsx", bytes[..(int)(bytes.Length * (i / 41.0))]));

        // Garbage cells where a date or an amount must be.
        string[] junk = ["n/a", "12O.5", "yesterday", "1.2.3", "#VALUE!", "٣٤", "12:00", "Rs. abc", "--5", "1e999x"];
        for (var i = 0; i < 30; i++)
        {
            var row = random.Next(orders.Count);
            var column = i % 3 == 0 ? 0 : 11 + random.Next(10);
            var value = junk[i % junk.Length];
            yield return ("td", "a668", Files.Td(_dir, orders, bend: t => t.Rows[row][column] = value, name: $"td-cell-{i:D2}.xlsx"));
        }

        // Bytes flipped inside the archive's entries (the sheet XML is compressed: any flip breaks it).
        for (var i = 0; i < 20; i++)
        {
            var copy = (byte[])bytes.Clone();
            var at = SheetDataOffset(bytes) + random.Next(200);
            copy[at] ^= 0x5A;
            yield return ("td", "a668", Write($"td-flipped-{i:D2}.xlsx", copy));
        }

        // Not spreadsheets at all.
        yield return ("td", "a668", Write("td-empty.xlsx", []));
        yield return ("td", "a668", Write("td-html.xlsx", "<html><body>Session expired. Please login.</body></html>"u8.ToArray()));
        yield return ("td", "a668", Write("td-json.xlsx", "{\"message\":\"Unauthenticated.\"}"u8.ToArray()));
        yield return ("td", "a668", Write("td-text.csv", "hello,world\n1,2\n"u8.ToArray()));
        for (var i = 0; i < 10; i++)
        {
            var noise = new byte[random.Next(1, 5000)];
            random.NextBytes(noise);
            yield return ("td", "a668", Write($"td-noise-{i:D2}.xlsx", noise));
        }

        // A zip that is not a workbook, and a workbook of the other CRM.
        yield return ("td", "a668", ZipWithout($"td-zip.xlsx"));
        yield return ("td", "a668", Files.Uc(_dir, UcGstReport.Invoices("UC567", day, count: 5), name: "td-is-uc.xlsx"));

        // Totals that disagree with the rows.
        for (var i = 1; i <= 10; i++)
        {
            var error = i * 0.01m * (i % 2 == 0 ? 1 : -1);
            yield return ("td", "a668", Files.Td(_dir, orders, new TdReportOptions { TotalNetError = error }, name: $"td-total-{i:D2}.xlsx"));
        }

        // An order without its date.
        yield return ("td", "a668", Files.Td(_dir, orders, bend: t => t.Rows[3][0] = null, name: "td-no-date.xlsx"));
    }

    private IEnumerable<(string Crm, string Store, string Path)> UcCases()
    {
        var invoices = UcGstReport.Invoices("UC567", new DateOnly(2025, 9, 2), count: 12);
        foreach (var (header, i) in UcGstReport.Headers.Select((h, i) => (h, i)))
            yield return ("uc", "sector56", Files.Uc(_dir, invoices, bend: t => t.RenameHeader(header, "Col " + i), name: $"uc-renamed-{i:D2}.xlsx"));
        for (var i = 0; i < 10; i++)
        {
            var row = i;
            yield return ("uc", "sector56", Files.Uc(_dir, invoices, bend: t => t.Rows[row][3] = "32/13/2025", name: $"uc-date-{i:D2}.xlsx"));
        }
        yield return ("uc", "sector56", Files.Uc(_dir, invoices, new UcReportOptions { TotalError = 1m }, name: "uc-total.xlsx"));
        yield return ("uc", "sector56", Files.Td(_dir, TdOrderReport.Orders("a668", new DateOnly(2025, 9, 2), count: 3), name: "uc-is-td.xlsx"));
    }

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private string ZipWithout(string name)
    {
        var path = Path.Combine(_dir, name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using var writer = new StreamWriter(zip.CreateEntry("readme.txt").Open());
        writer.Write("not a workbook");
        return path;
    }

    // Where the compressed sheet XML starts: past its local file header.
    private static int SheetDataOffset(byte[] xlsx)
    {
        var name = "xl/worksheets/"u8.ToArray();
        for (var i = 0; i < xlsx.Length - 30; i++)
        {
            if (xlsx[i] != 0x50 || xlsx[i + 1] != 0x4B || xlsx[i + 2] != 3 || xlsx[i + 3] != 4) continue;
            var nameLength = xlsx[i + 26] | xlsx[i + 27] << 8;
            var extra = xlsx[i + 28] | xlsx[i + 29] << 8;
            if (xlsx.AsSpan(i + 30, Math.Min(nameLength, name.Length)).SequenceEqual(name)) return i + 30 + nameLength + extra;
        }
        throw new InvalidOperationException("no worksheet entry");
    }
}
