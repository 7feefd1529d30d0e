using System.Text;
using System.Text.Json;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Plugins;

/// <summary>
/// The SalesPro plugin (sources.md section 1) on the real PostgreSQL, through the built host: the export's quirks,
/// re-imports, older and changed exports, bad rows, --max-rejects, --dry-run, empty and header-less files.
/// </summary>
public sealed class SalesProTests
{
    private const string Header = "_id,_created_at,_updated_at,isSale,resultFullString,customer.nameLast,customer.nameFirst," +
                                  "customer.estimateName,salesrep.email,salesrep.nameFirst,salesrep.nameLast,saleAmount";

    private readonly string _dir = Repo.TempDir("salespro");

    private static string Csv(params string[] lines) => "\uFEFF" + string.Join("\r\n", lines) + "\r\n";

    private string File(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    private static async Task<(HostProcess Host, string Cs)> HostAsync() =>
        await TestCluster.CreateDatabaseAsync("salespro") is var cs ? (new HostProcess(cs), cs) : default;

    private static async Task<JsonElement> IngestAsync(HostProcess host, string file, params string[] more)
    {
        var result = await host.RunAsync(["ingest", "--crm", "salespro", "--file", file, "--json", .. more]);
        var doc = JsonDocument.Parse(result.Stdout).RootElement;
        return doc.GetProperty("runs")[0];
    }

    private static (string, long, long, long, long) Counts(JsonElement run)
    {
        var t = run.GetProperty("tables").EnumerateArray().SingleOrDefault(x => x.GetProperty("table").GetString() == "salespro_appointment");
        return (run.GetProperty("status").GetString()!, run.GetProperty("rows_read").GetInt64(),
            t.ValueKind == JsonValueKind.Undefined ? 0 : t.GetProperty("inserted").GetInt64(),
            t.ValueKind == JsonValueKind.Undefined ? 0 : t.GetProperty("updated").GetInt64(),
            run.GetProperty("rejected").GetInt64());
    }

    [Fact]
    public async Task Every_quirk_of_the_export_reads_as_the_spec_says()
    {
        var (host, cs) = await HostAsync();
        // Columns in another order, two extra columns, a BOM, CRLF; quoted commas, quotes and a line break; every
        // spelling of isSale and saleAmount; timestamps with Z, with an offset and with no zone.
        var file = File("SalesPro2025-06-18.csv", Csv(
            "saleAmount,_updated_at,_id,isSale,salesrep.email,resultFullString,customer.nameFirst,customer.nameLast,office,customer.estimateName,salesrep.nameFirst,salesrep.nameLast,_created_at,leadSource",
            "\"$4,500.50\",2025-06-18T14:32:10.123Z,aB3xK9pQ2z,True,John.Smith@Example.COM,\"Sold, \"\"premium\"\" package\",Ann,Lee,Austin,EST-1,John,Smith,2025-06-17T09:00:00Z,web",
            "4500,2025-06-18T10:00:00+05:30,Zq8wE1rT5y,1,JOHN.SMITH@example.com,\"No sale\nwill call back\",Bob,Khan,Austin,,John,Smith,2025-06-18T08:00:00+05:30,",
            ",2025-06-18T11:15:00,Lm4nB7vC0x,no,mary@example.com,Demo only,,,Dallas,EST-3,Mary,Jones,2025-06-18T11:00:00,referral",
            "4500.5,2025-06-18T12:00:00Z,Pp0oI9uY8t,yes,mary@example.com,Sold,Cy,Diaz,Dallas,EST-4,Mary,Jones,2025-06-18T11:30:00Z,",
            ",2025-06-18T13:00:00Z,Qq1wE2rT3y,,mary@example.com,Rescheduled,Di,Evans,Dallas,,Mary,Jones,2025-06-18T12:30:00Z,",
            "0,2025-06-18T13:30:00Z,Ww2eR3tY4u,false,mary@example.com,Sit no sale,Ed,Fox,Dallas,,Mary,Jones,2025-06-18T13:00:00Z,",
            "\"1,250\",2025-06-18T14:00:00Z,Ee3rT4yU5i,0,mary@example.com,Sold small,Flo,Gray,Dallas,,Mary,Jones,2025-06-18T13:45:00Z,"));

        var run = await IngestAsync(host, file);

        Assert.Equal(("succeeded", 7L, 7L, 0L, 0L), Counts(run));
        var rows = await Db.RowsAsync(cs, """
            select appointment_id, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS'),
                   to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS'), is_sale, sale_amount,
                   salesrep_email, result_full_string, customer_first_name, customer_estimate_name
            from salespro_appointment order by updated_at
            """);
        Assert.Equal(7, rows.Count);
        Assert.Equal(["Zq8wE1rT5y", "2025-06-18 02:30:00.000", "2025-06-18 04:30:00.000", true, 4500.00m, "john.smith@example.com", "No sale\nwill call back", "Bob", null], rows[0]);
        Assert.Equal(["Lm4nB7vC0x", "2025-06-18 11:00:00.000", "2025-06-18 11:15:00.000", false, null, "mary@example.com", "Demo only", null, "EST-3"], rows[1]);
        Assert.Equal(["Pp0oI9uY8t", "2025-06-18 11:30:00.000", "2025-06-18 12:00:00.000", true, 4500.50m, "mary@example.com", "Sold", "Cy", "EST-4"], rows[2]);
        Assert.Equal(["Qq1wE2rT3y", "2025-06-18 12:30:00.000", "2025-06-18 13:00:00.000", false, null, "mary@example.com", "Rescheduled", "Di", null], rows[3]);
        Assert.Equal(["Ww2eR3tY4u", "2025-06-18 13:00:00.000", "2025-06-18 13:30:00.000", false, 0.00m, "mary@example.com", "Sit no sale", "Ed", null], rows[4]);
        Assert.Equal(["Ee3rT4yU5i", "2025-06-18 13:45:00.000", "2025-06-18 14:00:00.000", false, 1250.00m, "mary@example.com", "Sold small", "Flo", null], rows[5]);
        Assert.Equal(["aB3xK9pQ2z", "2025-06-17 09:00:00.000", "2025-06-18 14:32:10.123", true, 4500.50m, "john.smith@example.com", "Sold, \"premium\" package", "Ann", "EST-1"], rows[6]);

        // Every column of the row in the payload, the extra ones too.
        var payload = JsonDocument.Parse(await Db.ScalarAsync<string>(cs, "select source_payload::text from salespro_appointment where appointment_id = 'aB3xK9pQ2z'")).RootElement;
        Assert.Equal("Austin", payload.GetProperty("office").GetString());
        Assert.Equal("web", payload.GetProperty("leadSource").GetString());
        Assert.Equal("John.Smith@Example.COM", payload.GetProperty("salesrep.email").GetString());
        Assert.Equal("aB3xK9pQ2z", payload.GetProperty("_id").GetString());

        // One row per rep, e-mail folded, from their appointments.
        var users = await Db.RowsAsync(cs, """
            select email, first_name, last_name, appointments, sales, to_char(first_seen_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI')
            from salespro_users order by email
            """);
        Assert.Equal([["john.smith@example.com", "John", "Smith", 2L, 2L, "2025-06-17 09:00"], ["mary@example.com", "Mary", "Jones", 5L, 1L, "2025-06-18 11:00"]], users);

        // The sync history the old importer kept.
        var history = (await Db.RowsAsync(cs, "select sync_type, status, records_processed, records_created, records_updated, records_rejected, file_path from salespro_sync_history")).Single();
        Assert.Equal(["csv_appointments", "succeeded", 7L, 7L, 0L, 0L, file], history);
    }

    [Fact]
    public async Task Reimports_older_and_changed_exports_count_exactly_and_never_roll_back()
    {
        var (host, cs) = await HostAsync();
        var first = File("SalesPro2025-06-18.csv", Csv(Header,
            "A000000001,2025-06-18T09:00:00Z,2025-06-18T10:00:00Z,false,Pending,Lee,Ann,,rep@x.com,Ray,Pol,",
            "A000000002,2025-06-18T09:00:00Z,2025-06-18T10:00:00Z,false,Pending,Khan,Bob,,rep@x.com,Ray,Pol,",
            "A000000003,2025-06-18T09:00:00Z,2025-06-18T10:00:00Z,true,Sold,Diaz,Cy,,rep@x.com,Ray,Pol,900",
            // listed twice: the later _updated_at wins whatever the order
            "A000000004,2025-06-18T09:00:00Z,2025-06-18T12:00:00Z,true,Sold later,Fox,Ed,,rep@x.com,Ray,Pol,700",
            "A000000004,2025-06-18T09:00:00Z,2025-06-18T11:00:00Z,false,Pending,Fox,Ed,,rep@x.com,Ray,Pol,"));
        Assert.Equal(("succeeded", 5L, 4L, 0L, 0L), Counts(await IngestAsync(host, first)));
        Assert.Equal("Sold later", await Db.ScalarAsync<string>(cs, "select result_full_string from salespro_appointment where appointment_id = 'A000000004'"));

        Assert.Equal("duplicate", (await IngestAsync(host, first)).GetProperty("status").GetString());

        // A later export: 1 sold now, 2 as it was, 3 with an older _updated_at than held (changes nothing), 5 new.
        var changed = File("SalesPro2025-06-19.csv", Csv(Header,
            "A000000001,2025-06-18T09:00:00Z,2025-06-19T10:00:00Z,yes,Sold,Lee,Ann,,rep@x.com,Ray,Pol,\"$2,000\"",
            "A000000002,2025-06-18T09:00:00Z,2025-06-18T10:00:00Z,false,Pending,Khan,Bob,,rep@x.com,Ray,Pol,",
            "A000000003,2025-06-18T09:00:00Z,2025-06-18T09:30:00Z,false,Cancelled,Diaz,Cy,,rep@x.com,Ray,Pol,",
            "A000000005,2025-06-19T09:00:00Z,2025-06-19T09:00:00Z,false,New,Ng,Di,,other@x.com,Oz,Qi,"));
        Assert.Equal(("succeeded", 4L, 1L, 1L, 0L), Counts(await IngestAsync(host, changed)));

        // The first export again (a copy, so not a duplicate by content): older than every row held, it changes nothing.
        var older = File("SalesPro2025-06-18-again.csv", Csv(Header,
            "A000000001,2025-06-18T09:00:00Z,2025-06-18T10:00:00Z,false,Pending,Lee,Ann,,rep@x.com,Ray,Pol,",
            "A000000003,2025-06-18T09:00:00Z,2025-06-18T10:00:00Z,true,Sold,Diaz,Cy,,rep@x.com,Ray,Pol,900",
            "A000000004,2025-06-18T09:00:00Z,2025-06-18T11:00:00Z,false,Pending,Fox,Ed,,rep@x.com,Ray,Pol,"));
        Assert.Equal(("succeeded", 3L, 0L, 0L, 0L), Counts(await IngestAsync(host, older)));

        Assert.Equal([["A000000001", true, 2000.00m], ["A000000002", false, null], ["A000000003", true, 900.00m], ["A000000004", true, 700.00m], ["A000000005", false, null]],
            await Db.RowsAsync(cs, "select appointment_id, is_sale, sale_amount from salespro_appointment order by 1"));
        Assert.Equal([["other@x.com", 1L, 0L], ["rep@x.com", 4L, 3L]], await Db.RowsAsync(cs, "select email, appointments, sales from salespro_users order by 1"));
        Assert.Equal([["succeeded", 5L, 4L, 0L], ["duplicate", 0L, 0L, 0L], ["succeeded", 4L, 1L, 1L], ["succeeded", 3L, 0L, 0L]],
            await Db.RowsAsync(cs, "select status, records_processed, records_created, records_updated from salespro_sync_history order by id"));
    }

    [Fact]
    public async Task Bad_rows_are_rejected_by_row_and_column_and_the_good_ones_load()
    {
        var (host, cs) = await HostAsync();
        var file = File("bad.csv", Csv(Header,
            "B000000001,2025-06-18T09:00:00Z,2025-06-18T10:00:00Z,true,\"multi\nline, result\",Lee,Ann,,rep@x.com,Ray,Pol,100",
            ",2025-06-18T09:00:00Z,2025-06-18T10:00:00Z,false,no id,Khan,Bob,,rep@x.com,Ray,Pol,",                 // row 3
            "B000000003,,2025-06-18T10:00:00Z,false,no created,Diaz,Cy,,rep@x.com,Ray,Pol,",                         // row 4
            "B000000004,2025-06-18T09:00:00Z,18/06/2025 10:00,false,bad updated,Fox,Ed,,rep@x.com,Ray,Pol,",          // row 5
            "B000000005,2025-06-18T09:00:00Z,2025-06-18T10:00:00Z,maybe,bad flag,Gray,Flo,,rep@x.com,Ray,Pol,",        // row 6
            "B000000006,2025-06-18T09:00:00Z,2025-06-18T10:00:00Z,true,bad amount,Hill,Gus,,rep@x.com,Ray,Pol,\"4.500,00 USD\"", // row 7
            "B000000007,2025-06-18T09:00:00Z,2025-06-18T10:00:00Z,true,fine,Ito,Hal,,rep@x.com,Ray,Pol,$300"));

        var run = await IngestAsync(host, file);

        Assert.Equal(("succeeded", 7L, 2L, 0L, 5L), Counts(run));
        Assert.Equal(["3|_id", "4|_created_at", "5|_updated_at", "6|isSale", "7|saleAmount"],
            (await Db.RowsAsync(cs, "select row_number || '|' || column_name from ingest_rejects order by row_number")).Select(r => (string)r[0]!));
        Assert.Equal(["B000000001", "B000000007"], (await Db.RowsAsync(cs, "select appointment_id from salespro_appointment order by 1")).Select(r => (string)r[0]!));
        Assert.Equal(5L, await Db.ScalarAsync<long>(cs, "select records_rejected from salespro_sync_history"));

        // Past --max-rejects the run fails and changes nothing.
        var another = File("bad-2.csv", Csv(Header,
            "C000000001,2025-06-18T09:00:00Z,2025-06-18T10:00:00Z,true,ok,Lee,Ann,,rep@x.com,Ray,Pol,100",
            "C000000002,2025-06-18T09:00:00Z,2025-06-18T10:00:00Z,perhaps,bad,Lee,Ann,,rep@x.com,Ray,Pol,100"));
        var result = await host.RunAsync("ingest", "--crm", "salespro", "--file", another, "--max-rejects", "0", "--json");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("failed", JsonDocument.Parse(result.Stdout).RootElement.GetProperty("runs")[0].GetProperty("status").GetString());
        Assert.Equal(2L, await Db.ScalarAsync<long>(cs, "select count(*) from salespro_appointment"));
        Assert.Equal("failed", await Db.ScalarAsync<string>(cs, "select status from salespro_sync_history order by id desc limit 1"));
    }

    [Fact]
    public async Task A_dry_run_reports_the_counts_and_changes_nothing()
    {
        var (host, cs) = await HostAsync();
        var file = File("dry.csv", Csv(Header,
            "D000000001,2025-06-18T09:00:00Z,2025-06-18T10:00:00Z,true,ok,Lee,Ann,,rep@x.com,Ray,Pol,100",
            "D000000002,2025-06-18T09:00:00Z,2025-06-18T10:00:00Z,false,ok,Lee,Ann,,rep@x.com,Ray,Pol,",
            "D000000003,2025-06-18T09:00:00Z,2025-06-18T10:00:00Z,nope,bad,Lee,Ann,,rep@x.com,Ray,Pol,"));

        var run = await IngestAsync(host, file, "--dry-run");

        Assert.True(run.GetProperty("dry_run").GetBoolean());
        Assert.Equal(("succeeded", 3L, 2L, 0L, 1L), Counts(run));
        Assert.Equal(0L, await Db.ScalarAsync<long>(cs, "select count(*) from salespro_appointment"));
        Assert.Equal(0L, await Db.ScalarAsync<long>(cs, "select count(*) from salespro_users"));
        Assert.Equal(0L, await Db.ScalarAsync<long>(cs, "select count(*) from salespro_sync_history"));
        Assert.Equal(0L, await Db.ScalarAsync<long>(cs, "select count(*) from ingest_rejects"));
        // ...so the real run afterwards loads it.
        Assert.Equal(("succeeded", 3L, 2L, 0L, 1L), Counts(await IngestAsync(host, file)));
    }

    [Fact]
    public async Task An_empty_file_and_a_file_without_id_say_so()
    {
        var (host, cs) = await HostAsync();

        var headerOnly = await IngestAsync(host, File("empty.csv", Csv(Header)));
        Assert.Equal(("no_data", 0L, 0L, 0L, 0L), Counts(headerOnly));

        var nothing = await host.RunAsync("ingest", "--crm", "salespro", "--file", File("zero.csv", ""), "--json");
        Assert.Equal(1, nothing.ExitCode);
        Assert.Contains("empty", JsonDocument.Parse(nothing.Stdout).RootElement.GetProperty("runs")[0].GetProperty("error").GetString());

        var noId = File("no-id.csv", Csv(Header.Replace("_id,", "id,"),
            "E000000001,2025-06-18T09:00:00Z,2025-06-18T10:00:00Z,true,ok,Lee,Ann,,rep@x.com,Ray,Pol,100"));
        var result = await host.RunAsync("ingest", "--crm", "salespro", "--file", noId);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("'_id'", result.Stdout + result.Stderr);
        Assert.Equal(0L, await Db.ScalarAsync<long>(cs, "select count(*) from salespro_appointment"));
        Assert.True(System.IO.File.Exists(noId));

        // An export set up with only the required columns loads, its other fields blank, and says which it lacked.
        var minimal = await IngestAsync(host, File("minimal.csv", Csv("_updated_at,_id,_created_at", "2025-06-18T10:00:00Z,F000000001,2025-06-18T09:00:00Z")));
        Assert.Equal(("succeeded", 1L, 1L, 0L, 0L), Counts(minimal));
        Assert.Contains(minimal.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("no column 'saleAmount'"));
        Assert.False(await Db.ScalarAsync<bool>(cs, "select is_sale from salespro_appointment where appointment_id = 'F000000001'"));
    }

    [Fact]
    public async Task Progress_shows_on_a_terminal_and_never_in_json_or_a_pipe()
    {
        var (host, _) = await HostAsync();
        var lines = new List<string> { Header };
        for (var i = 0; i < 3000; i++)
            lines.Add($"G{i:D9},2025-06-18T09:00:00Z,2025-06-18T10:{i % 60:D2}:00Z,{(i % 3 == 0 ? "true" : "false")},\"result {i}, with a comma\",Last{i},First{i},,rep{i % 7}@x.com,Rep,{i % 7},{(i % 3 == 0 ? $"{i * 1.5m:0.00}" : "")}");
        var file = File("progress.csv", Csv(lines.ToArray()));

        // `script` gives the host a terminal, as an operator's shell would; its output is what the terminal showed.
        var shown = Path.Combine(_dir, "terminal.txt");
        var onTerminal = await host.RunAsync("--script-terminal", shown, "ingest", "--crm", "salespro", "--file", file);
        Assert.True(onTerminal.ExitCode == 0, onTerminal.ToString());
        var terminal = await System.IO.File.ReadAllTextAsync(shown);
        Assert.Matches(@"salespro progress\.csv: 3,000 rows read", terminal);
        Assert.Contains("committing", terminal);

        // Into a pipe (cron, a log file) and in --json there is none.
        var piped = await host.RunAsync("ingest", "--crm", "salespro", "--file", file, "--dry-run");
        Assert.True(piped.ExitCode == 0, piped.ToString());
        Assert.DoesNotContain("rows/s", piped.Stderr);
        Assert.DoesNotContain("\u001b[K", piped.Stderr);
        var json = await host.RunAsync("--script-terminal", shown, "ingest", "--crm", "salespro", "--file", file, "--dry-run", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.DoesNotContain("\u001b[K", await System.IO.File.ReadAllTextAsync(shown));
    }
}
