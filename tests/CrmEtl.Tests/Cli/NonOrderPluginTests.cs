using System.Text;
using System.Text.Json;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Cli;

/// <summary>
/// A source that is not about orders, dropped in as a folder (tests/AppointmentsPlugin: a CSV, two target tables,
/// a version column, checks, a verb of its own), with no host change: found, loaded, re-loaded, rejecting bad rows
/// with their row numbers, failing on its error check.
/// </summary>
public sealed class NonOrderPluginTests
{
    private readonly string _dir = Repo.TempDir("appt");

    private static string Csv(params string[] lines) => "\uFEFF" + string.Join("\r\n", lines) + "\r\n";

    private async Task<(HostProcess Host, string Cs)> HostAsync()
    {
        var cs = await TestCluster.CreateDatabaseAsync("appt");
        var host = new HostProcess(cs);
        host.Environment["CRMETL_PLUGINS"] = Repo.TestPluginsDir;
        return (host, cs);
    }

    private string File(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    private static JsonElement Run(HostProcess.Result result) => JsonDocument.Parse(result.Stdout).RootElement.GetProperty("runs")[0];

    private static (long, long, long, long) Counts(JsonElement run, string table)
    {
        var t = run.GetProperty("tables").EnumerateArray().Single(x => x.GetProperty("table").GetString() == table);
        return (t.GetProperty("inserted").GetInt64(), t.GetProperty("updated").GetInt64(), t.GetProperty("unchanged").GetInt64(), t.GetProperty("deleted").GetInt64());
    }

    [Fact]
    public async Task A_dropped_in_appointments_source_loads_reloads_and_rejects_by_row_with_no_host_change()
    {
        var (host, cs) = await HostAsync();

        var plugins = await host.RunAsync("plugins");
        Assert.True(plugins.ExitCode == 0, plugins.ToString());
        var row = plugins.Stdout.Split('\n').Single(l => l.StartsWith("appt "));
        Assert.Contains("bookings", row);
        Assert.Contains("stg_appt_bookings", row);
        var help = await host.RunAsync("--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("./crm-etl appointments stylists", help.Stdout);

        // Columns in another order than the plugin lists them, an extra column, a byte-order mark, CRLF, a quoted comma
        // and a quoted line break; a price that is no number (row 5), a status the model does not know (row 6), and an
        // older row of B1 after its newer one (row 7: the later Updated wins, whatever the order).
        var first = File("bookings-1.csv", Csv(
            "Stylist,Booking,Client,Updated,Price,Status,Note",
            "Meena,B1,\"asha, r\",2025-11-10T10:00:00Z,500,Done,first visit",
            "Meena,B2,ravi kumar,2025-11-10T11:00:00+05:30,\"1,200.50\",booked,",
            "Priya,B3,\"sita\nmehta\",2025-11-10T12:00:00,800,cancelled,",
            "Priya,B4,gita,2025-11-10T13:00:00Z,abc,done,",
            "Priya,B5,hari,2025-11-10T14:00:00Z,300,maybe,",
            "Meena,B1,asha old,2025-11-10T09:00:00Z,450,done,"));
        var load = await host.RunAsync("ingest", "--crm", "appt", "--file", first, "--json");

        Assert.True(load.ExitCode == 0, load.ToString());
        var run = Run(load);
        Assert.Equal(("succeeded", 6L, 2L), (run.GetProperty("status").GetString(), run.GetProperty("rows_read").GetInt64(), run.GetProperty("rejected").GetInt64()));
        Assert.Equal((3L, 0L, 0L, 0L), Counts(run, "appt_bookings"));
        Assert.Equal((1L, 0L, 0L, 0L), Counts(run, "appt_stylists")); // Meena; Priya has only a cancelled booking
        Assert.Equal(["5|Price|abc", "6|Status|maybe"], (await Db.RowsAsync(cs,
            "select row_number || '|' || column_name || '|' || value from ingest_rejects order by row_number")).Select(r => (string)r[0]!));
        var b1 = (await Db.RowsAsync(cs, "select client, price, to_char(updated_at at time zone 'UTC', 'HH24:MI') from appt_bookings where booking_id = 'B1'")).Single();
        Assert.Equal(["Asha, R", 500.00m, "10:00"], b1);
        Assert.Equal("Sita Mehta", await Db.ScalarAsync<string>(cs, "select client from appt_bookings where booking_id = 'B3'"));
        Assert.Equal("{\"Note\": \"first visit\"}", await Db.ScalarAsync<string>(cs, "select extra_columns::text from stg_appt_bookings where booking = 'B1' and price = 500"));
        Assert.Equal([2L, 1700.50m], (await Db.RowsAsync(cs, "select bookings, takings from appt_stylists where stylist = 'Meena'")).Single());

        var again = await host.RunAsync("ingest", "--crm", "appt", "--file", first, "--json");
        Assert.Equal("duplicate", Run(again).GetProperty("status").GetString());

        // A later export: B2 done now, B1 older than the one held (changes nothing), B3 as it was, B6 new.
        var second = File("bookings-2.csv", Csv(
            "Booking,Updated,Client,Stylist,Price,Status",
            "B1,2025-11-10T09:30:00Z,asha,Meena,999,done",
            "B2,2025-11-11T09:00:00Z,ravi kumar,Meena,1200.50,done",
            "B3,2025-11-10T12:00:00,\"sita\nmehta\",Priya,800,cancelled",
            "B6,2025-11-11T10:00:00Z,neha,Priya,650,booked"));
        var changed = Run(await host.RunAsync("ingest", "--crm", "appt", "--file", second, "--json"));
        Assert.Equal((1L, 1L, 2L, 0L), Counts(changed, "appt_bookings"));
        Assert.Equal((1L, 0L, 1L, 0L), Counts(changed, "appt_stylists")); // Priya now has B6; Meena's totals unchanged
        Assert.Equal(500.00m, await Db.ScalarAsync<decimal>(cs, "select price from appt_bookings where booking_id = 'B1'"));
        Assert.Equal("done", await Db.ScalarAsync<string>(cs, "select status from appt_bookings where booking_id = 'B2'"));

        var stylists = await host.RunAsync("appointments", "stylists", "--min-bookings", "1");
        Assert.True(stylists.ExitCode == 0, stylists.ToString());
        Assert.Equal(["Meena\t2\t1700.50", "Priya\t1\t650.00"], stylists.Stdout.Trim().Split('\n'));
        var badOption = await host.RunAsync("appointments", "stylists", "--min-booking", "1");
        Assert.Equal(2, badOption.ExitCode);
        Assert.Contains("did you mean --min-bookings?", badOption.Stderr);

        var rebuilt = await host.RunAsync("transform", "--crm", "appt", "--all", "--json");
        Assert.True(rebuilt.ExitCode == 0, rebuilt.ToString());
        Assert.Equal(6, await Db.ScalarAsync<long>(cs, "select count(*) from appt_bookings") + await Db.ScalarAsync<long>(cs, "select count(*) from appt_stylists"));
    }

    [Fact]
    public async Task A_failed_error_check_or_too_many_rejects_changes_nothing_and_names_why()
    {
        var (host, cs) = await HostAsync();
        var good = File("good.csv", Csv("Booking,Updated,Client,Stylist,Price,Status", "B1,2025-11-10T10:00:00Z,asha,Meena,500,done"));
        Assert.Equal(0, (await host.RunAsync("ingest", "--crm", "appt", "--file", good)).ExitCode);

        var negative = File("negative.csv", Csv("Booking,Updated,Client,Stylist,Price,Status",
            "B1,2025-11-12T10:00:00Z,asha,Meena,600,done", "B2,2025-11-12T11:00:00Z,ravi,Meena,-50,done"));
        var failed = await host.RunAsync("ingest", "--crm", "appt", "--file", negative, "--json");
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("check appt:bookings/no_negative_price found 1 row(s)", Run(failed).GetProperty("error").GetString());
        Assert.Equal(500.00m, await Db.ScalarAsync<decimal>(cs, "select price from appt_bookings where booking_id = 'B1'"));
        Assert.Equal(1, await Db.ScalarAsync<long>(cs, "select count(*) from appt_bookings"));
        Assert.Equal(1, await Db.ScalarAsync<long>(cs, "select count(*) from ingest_checks where severity = 'error' and failed_rows = 1"));

        var oneBad = File("one-bad.csv", Csv("Booking,Updated,Client,Stylist,Price,Status",
            "B7,2025-11-12T10:00:00Z,neha,Priya,650,booked", "B8,not a time,om,Priya,100,booked"));
        var strict = await host.RunAsync("ingest", "--crm", "appt", "--file", oneBad, "--max-rejects", "0", "--json");
        Assert.Equal(1, strict.ExitCode);
        Assert.Contains("row 3, column 'Updated'", Run(strict).GetProperty("error").GetString());
        Assert.Equal(0, await Db.ScalarAsync<long>(cs, "select count(*) from appt_bookings where booking_id = 'B7'"));
        Assert.Equal("row 3", await Db.ScalarAsync<string>(cs, "select 'row ' || row_number from ingest_rejects r join ingest_audit a using (run_id) where a.status = 'failed' and a.filename = 'one-bad.csv'"));

        var lenient = await host.RunAsync("ingest", "--crm", "appt", "--file", oneBad, "--json");
        Assert.Equal(0, lenient.ExitCode);
        Assert.Equal(1, Run(lenient).GetProperty("rejected").GetInt64());
        Assert.Equal(1, await Db.ScalarAsync<long>(cs, "select count(*) from appt_bookings where booking_id = 'B7'"));
    }
}
