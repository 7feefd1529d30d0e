using System.Globalization;
using System.Text.Json;
using CrmEtl.Fixtures;
using CrmEtl.Tests.Support;
using ExcelDataReader;

namespace CrmEtl.Tests.Plugins;

/// <summary>
/// The library leads plugin (sources.md section 2) on the real PostgreSQL, through the built host: every sheet, the
/// header synonyms, each cleaning rule, one lead per phone across sheets and imports, what people set surviving an
/// import, follow-up days in IST, round robin, and exports opened again.
/// </summary>
public sealed class LeadsTests
{
    private readonly string _dir = Repo.TempDir("leads");

    private static DateOnly TodayIst => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata")));

    private static async Task<(HostProcess Host, string Cs)> HostAsync() =>
        await TestCluster.CreateDatabaseAsync("leads") is var cs ? (new HostProcess(cs), cs) : default;

    // A workbook of the given sheets, each its rows (a null row is a blank one).
    private string Workbook(string name, params (string Sheet, object?[]?[] Rows)[] sheets)
    {
        var path = Path.Combine(_dir, name);
        using var xlsx = new XlsxWriter(path, sheets[0].Sheet);
        for (var s = 0; s < sheets.Length; s++)
        {
            if (s > 0) xlsx.NextSheet(sheets[s].Sheet);
            foreach (var row in sheets[s].Rows)
                if (row is null) xlsx.SkipRows(1);
                else xlsx.WriteRow(row);
        }
        return path;
    }

    private static async Task<JsonElement> IngestAsync(HostProcess host, string file, int exit = 0, params string[] more)
    {
        var result = await host.RunAsync(["ingest", "--crm", "leads", "--file", file, "--json", .. more]);
        Assert.True(result.ExitCode == exit && result.Stdout.StartsWith('{'), result.ToString());
        return JsonDocument.Parse(result.Stdout).RootElement.GetProperty("runs")[0];
    }

    private static async Task<HostProcess.Result> LeadsAsync(HostProcess host, params string[] args) => await host.RunAsync(["leads", .. args]);

    private static async Task<Dictionary<string, object?[]>> LeadsByPhoneAsync(string cs, string columns) =>
        (await Db.RowsAsync(cs, $"select phone, {columns} from leads")).ToDictionary(r => (string)r[0]!, r => r[1..]);

    [Fact]
    public async Task Every_synonym_of_the_spec_fills_its_column_however_the_header_is_written()
    {
        var (host, cs) = await HostAsync();
        var synonyms = new (string Column, string[] Headers, object Value, object? Expected)[]
        {
            ("full_name", ["name", "full name", "customer name", "parent name", "student name", "full_name"], "  asha   RAO ", "Asha Rao"),
            ("phone", ["phone", "phone number", "phone no", "mobile", "mobile no", "number", "contact number", "parent mobile no", "whatsapp", "whatsapp number", "phone_number"], "+91 98111-0", null),
            ("email", ["email", "email id", "email address", "mail"], " Asha.Rao@Example.COM ", "asha.rao@example.com"),
            ("city", ["city", "location", "city location", "area"], " new   delhi", "New Delhi"),
            ("lead_date", ["date", "date contacted", "timestamp", "lead date", "lead_date"], "12/11/2025", new DateOnly(2025, 11, 12)),
            ("status", ["status", "any response", "response"], "interested", "Interested"),
            ("lead_source", ["source", "lead source", "origin", "lead_source"], "Website", "Website"),
            ("lead_type", ["lead type", "type", "lead_type"], "Hot", "Hot"),
            ("notes", ["notes", "remarks", "comments"], "asked about fees", "asked about fees"),
        };
        // Headers as people write them: a trailing space, a full stop, capitals, underscores or dashes for spaces.
        string Decorate(string header, int i) => (i % 4) switch
        {
            0 => header.ToUpperInvariant() + " ",
            1 => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(header) + ".",
            2 => header.Replace(' ', '_'),
            _ => " " + header.Replace(' ', '-') + ":",
        };
        var sheets = new List<(string, object?[]?[])>();
        var expected = new List<(string Phone, string Column, object? Value)>();
        var n = 0;
        foreach (var (column, headers, value, want) in synonyms)
            foreach (var header in headers)
            {
                n++;
                var phone = $"98{n:D8}";
                if (column == "phone")
                {
                    sheets.Add(($"S{n}", [[Decorate(header, n), "Name"], [$"+91 {phone[..5]}-{phone[5..]}", "Phone Person"]]));
                    expected.Add((phone, "full_name", "Phone Person"));
                }
                else if (column == "full_name")
                {
                    sheets.Add(($"S{n}", [["Mobile No.", Decorate(header, n)], [phone, value]]));
                    expected.Add((phone, column, want));
                }
                else
                {
                    sheets.Add(($"S{n}", [["Phone", "Name", Decorate(header, n)], [phone, "Someone", value]]));
                    expected.Add((phone, column, want));
                }
            }
        // "child name and age" splits the name from the age
        sheets.Add(("Quiz", [["Email Address", "Parent Mobile no.", "Child Name and Age", "City"], ["p@x.in", "9700000001", "Emma (8 years)", "Delhi"]]));

        var run = await IngestAsync(host, Workbook("synonyms.xlsx", sheets.ToArray()));

        Assert.Equal(0, run.GetProperty("rejected").GetInt32());
        Assert.Equal(n + 1, run.GetProperty("inserted").GetInt32());
        var leads = await LeadsByPhoneAsync(cs, "full_name, email, city, lead_date, status, lead_source, lead_type, notes, child_age");
        var index = new[] { "full_name", "email", "city", "lead_date", "status", "lead_source", "lead_type", "notes" };
        foreach (var (phone, column, value) in expected)
            Assert.True(Equals(value, leads[phone][Array.IndexOf(index, column)]), $"{phone} {column}: {leads[phone][Array.IndexOf(index, column)]} (want {value})");
        Assert.Equal(["Emma", "p@x.in", "Delhi"], leads["9700000001"][..3]);
        Assert.Equal(8, leads["9700000001"][8]);
    }

    [Fact]
    public async Task Each_cleaning_rule_gives_what_the_spec_says_and_a_row_without_a_valid_phone_is_rejected_with_its_sheet_and_row()
    {
        var (host, cs) = await HostAsync();
        string[] header = ["Customer Name", "Mobile", "Email ID", "City", "Date", "Child Name and Age", "Any response", "Unnamed: 7", "", "Referred by"];
        var file = Workbook("cleaning.xlsx",
            ("Walk-ins", [
                null, null,                                                                     // the header is the first non-empty row
                header,
                ["  aSHA   rao ", "+91 98765-43211", " Asha.Rao@Gmail.COM ", "delhi", "12/11/2025", null, "Interested", "x", "y", "Meena"],
                ["Kabir Singh", "098765 43212", "kabir@gmail", "Noida", "12-11-25", null, "not picking up"],
                ["Ritu", "9876543213.0", "ritu@yahoo.co.in", null, "2025-11-12"],
                ["Dev", 9876543214d, null, null, new DateTime(2025, 11, 12)],
                ["Ira", "91-9876543215", null, null, "12/11/2025 10:32:05"],
                ["Om", "9876543216", null, null, "31/02/2025"],
                ["Bad Start", "5876543210"],                                                    // not a mobile: starts with 5
                ["Too Short", "98765 4321"],
                ["No Phone"],
                null,                                                                           // a blank row: skipped silently
                [null, "9876543217", null, null, null, "Emma (8 years)"],
                [null, "9876543218", null, null, null, "Vihaan - 6"],
                [null, "9876543219", null, null, null, "Myra"],
            ]),
            ("Summary", [["Total leads", "Month"], [10, "Nov"]]));                             // no name, no phone: passed over

        var run = await IngestAsync(host, file);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal(9, run.GetProperty("inserted").GetInt32());
        Assert.Equal(3, run.GetProperty("rejected").GetInt32());
        Assert.Contains(run.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("Summary") && w.GetString()!.Contains("no name or phone column"));
        var leads = await LeadsByPhoneAsync(cs, "full_name, email, city, lead_date, child_age, status, notes, cleaning_notes, source_sheet, source_row, source_payload::text");
        var day = new DateOnly(2025, 11, 12);
        Assert.Equal(["Asha Rao", "asha.rao@gmail.com", "Delhi", day, null, "Interested", null, null, "Walk-ins", 4L, """{"referred by": "Meena"}"""], leads["9876543211"]);
        Assert.Equal(["Kabir Singh", null, "Noida", day, null, "New Lead", "response: not picking up", "invalid email 'kabir@gmail'", "Walk-ins", 5L, null], leads["9876543212"]);
        Assert.Equal(day, leads["9876543213"][3]);
        Assert.Equal(day, leads["9876543214"][3]);
        Assert.Equal(day, leads["9876543215"][3]);
        Assert.Null(leads["9876543216"][3]);
        Assert.Equal("unreadable date '31/02/2025'", leads["9876543216"][7]);
        Assert.Equal(["Emma", 8], leads["9876543217"][..5].Where((_, i) => i is 0 or 4));
        Assert.Equal(["Vihaan", 6], leads["9876543218"][..5].Where((_, i) => i is 0 or 4));
        Assert.Equal(["Myra", null], leads["9876543219"][..5].Where((_, i) => i is 0 or 4));
        var rejects = await Db.RowsAsync(cs, "select sheet, row_number, column_name, value, reason from ingest_rejects order by row_number");
        Assert.Equal(["Walk-ins", 10L, "mobile", "5876543210", "no valid phone"], rejects[0]);
        Assert.Equal(["Walk-ins", 11L, "mobile", "98765 4321", "no valid phone"], rejects[1]);
        Assert.Equal(["Walk-ins", 12L, "mobile", null, "no valid phone"], rejects[2]);
    }

    [Fact]
    public async Task One_lead_per_phone_within_a_sheet_across_sheets_and_across_imports_the_first_row_filling_each_field()
    {
        var (host, cs) = await HostAsync();
        var first = Workbook("leads-1.xlsx",
            ("Contact form", [
                ["Name", "Contact Number", "Email Address", "Location"],
                ["Anil Kumar", "9811111111", null, "Delhi"],
                ["Anil K", "+91 98111 11111", "anil@gmail.com", "Noida"],           // same phone: fills only the email
                ["Bina Shah", "9822222222", null, null],
            ]),
            ("Quiz", [
                ["Email Address", "Parent Mobile no.", "Child Name and Age", "City"],
                ["bina@gmail.com", "09822222222", "Tara (7 years)", "Gurugram"],    // Bina again on another sheet
            ]));
        var second = Workbook("leads-2.xlsx",
            ("Sheet1", [
                ["full_name", "phone_number", "email", "city", "lead_source"],
                ["Anil Kumar Verma", "9811111111", "other@gmail.com", "Agra", "Website"],   // fills only the source
                ["Chitra", "9833333333", null, null, null],
            ]));

        var one = await IngestAsync(host, first);
        var two = await IngestAsync(host, second);
        var again = await IngestAsync(host, second);

        Assert.Equal(2, one.GetProperty("inserted").GetInt32());
        Assert.Equal((1, 1), (two.GetProperty("inserted").GetInt32(), two.GetProperty("updated").GetInt32()));
        Assert.Equal("duplicate", again.GetProperty("status").GetString());
        var leads = await LeadsByPhoneAsync(cs, "full_name, email, city, child_age, lead_source, source_sheet");
        Assert.Equal(3, leads.Count);
        Assert.Equal(["Anil Kumar", "anil@gmail.com", "Delhi", null, "Website", "Contact form"], leads["9811111111"]);
        Assert.Equal(["Bina Shah", "bina@gmail.com", "Gurugram", 7, null, "Contact form"], leads["9822222222"]);
        Assert.Equal(["Chitra", null, null, null, null, "Sheet1"], leads["9833333333"]);
    }

    [Fact]
    public async Task What_a_person_set_survives_a_reimport_and_follow_ups_come_from_the_schedule_in_IST()
    {
        var (host, cs) = await HostAsync();
        await IngestAsync(host, Workbook("a.xlsx", ("Leads", [["Name", "Mobile", "Status"], ["Gita", "9844444444", null], ["Hari", "9855555555", "Member"]])));
        var gita = await Db.ScalarAsync<long>(cs, "select lead_id from leads where phone = '9844444444'");

        var fresh = await Db.RowsAsync(cs, "select status, priority, next_follow_up from leads order by phone");
        var update = await LeadsAsync(host, "update", gita.ToString(CultureInfo.InvariantCulture), "--status", "follow up 1", "--priority", "High",
            "--assign", "Priya", "--note", "called, ring on Monday", "--by", "desk");
        // the same leads again, the file now saying Gita is Interested, with a city
        var re = await IngestAsync(host, Workbook("b.xlsx", ("Leads", [["Name", "Mobile", "Status", "City"], ["Gita R", "9844444444", "Interested", "Delhi"]])));

        Assert.Equal(["New Lead", "Medium", TodayIst.AddDays(2)], fresh[0]);
        Assert.Equal(["Member", "Medium", TodayIst.AddDays(30)], fresh[1]);
        Assert.True(update.ExitCode == 0, update.ToString());
        Assert.Equal(1, re.GetProperty("updated").GetInt32());
        var row = await Db.RowsAsync(cs, "select full_name, city, status, priority, assigned_to, next_follow_up from leads where lead_id = $1", gita);
        Assert.Equal(["Gita", "Delhi", "Follow Up 1", "High", "Priya", TodayIst.AddDays(5)], row[0]);
        var history = await Db.RowsAsync(cs, "select old_status, new_status, note, changed_by from lead_status_history where lead_id = $1", gita);
        Assert.Equal([["New Lead", "Follow Up 1", "called, ring on Monday; priority High; assigned to Priya", "desk"]], history);

        // --due: nothing is due today; a follow-up that was due yesterday (IST) is
        var none = await LeadsAsync(host, "list", "--due", "--json");
        await Db.ExecAsync(cs, "update leads set next_follow_up = (now() at time zone 'Asia/Kolkata')::date - 1 where phone = '9855555555'");
        var due = await LeadsAsync(host, "list", "--due", "--json");
        Assert.Equal(0, JsonDocument.Parse(none.Stdout).RootElement.GetProperty("count").GetInt32());
        var dueLeads = JsonDocument.Parse(due.Stdout).RootElement.GetProperty("leads").EnumerateArray().ToList();
        Assert.Equal(["9855555555"], dueLeads.Select(l => l.GetProperty("phone").GetString()));
        Assert.Equal(TodayIst.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), dueLeads[0].GetProperty("next_follow_up").GetString());

        // what cannot be: exit 2, naming what can
        var status = await LeadsAsync(host, "update", gita.ToString(CultureInfo.InvariantCulture), "--status", "Hot");
        var priority = await LeadsAsync(host, "update", gita.ToString(CultureInfo.InvariantCulture), "--status", "Member", "--priority", "Extreme");
        var missing = await LeadsAsync(host, "update", "999999", "--status", "Member");
        Assert.Equal(2, status.ExitCode);
        Assert.Contains("New Lead, Initial Contact, Follow Up 1, Follow Up 2, Follow Up 3, Interested, Member, Lost - No Response, Re-engage Later", status.Stderr);
        Assert.Equal(2, priority.ExitCode);
        Assert.Contains("Low, Medium, High, Urgent", priority.Stderr);
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal("Follow Up 1", await Db.ScalarAsync<string>(cs, "select status from leads where lead_id = $1", gita));
    }

    [Fact]
    public async Task Assign_shares_the_unassigned_leads_out_in_turn_and_export_writes_files_that_open_again()
    {
        var (host, cs) = await HostAsync();
        var rows = new List<object?[]?> { new object?[] { "Name", "Phone", "Date" } };
        for (var i = 0; i < 8; i++) rows.Add([$"Lead {i}", $"97000000{i:D2}", $"0{i + 1}/11/2025"]);
        await IngestAsync(host, Workbook("eight.xlsx", ("Leads", rows.ToArray())));
        var ids = (await Db.RowsAsync(cs, "select lead_id from leads order by lead_id")).Select(r => (long)r[0]!).ToList();
        await LeadsAsync(host, "update", ids[0].ToString(CultureInfo.InvariantCulture), "--status", "Interested", "--assign", "Zoya");

        var assign = await LeadsAsync(host, "assign", "--to", "Asha, Bilal,Chen");
        var nothing = await LeadsAsync(host, "assign", "--to", "Asha");

        Assert.True(assign.ExitCode == 0, assign.ToString());
        Assert.Contains("7 lead(s) assigned: Asha 3, Bilal 2, Chen 2", assign.Stdout);
        Assert.Contains("no unassigned leads", nothing.Stdout);
        var owners = (await Db.RowsAsync(cs, "select assigned_to from leads order by lead_id")).Select(r => (string)r[0]!).ToList();
        Assert.Equal(["Zoya", "Asha", "Bilal", "Chen", "Asha", "Bilal", "Chen", "Asha"], owners);
        Assert.Equal(8L, await Db.ScalarAsync<long>(cs, "select count(*) from lead_status_history"));

        var xlsx = Path.Combine(_dir, "leads.xlsx");
        var csv = Path.Combine(_dir, "leads.csv");
        var x = await LeadsAsync(host, "export", "--format", "xlsx", "--out", xlsx);
        var c = await LeadsAsync(host, "export", "--format", "csv", "--out", csv, "--status", "New Lead");
        var bad = await LeadsAsync(host, "export", "--format", "pdf", "--out", csv);

        Assert.True(x.ExitCode == 0, x.ToString());
        Assert.Contains("8 lead(s)", x.Stdout);
        Assert.Equal(2, bad.ExitCode);
        var expected = await Db.RowsAsync(cs, "select lead_id, full_name, phone, status, assigned_to, lead_date, next_follow_up from leads order by lead_id");
        using (var reader = ExcelReaderFactory.CreateReader(File.OpenRead(xlsx)))
        {
            Assert.True(reader.Read());
            var headers = Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i)?.ToString()).ToList();
            int Col(string name) => headers.IndexOf(name);
            var read = new List<object?[]>();
            while (reader.Read())
                read.Add([Convert.ToInt64(reader.GetValue(Col("lead_id")), CultureInfo.InvariantCulture), reader.GetValue(Col("full_name")), reader.GetValue(Col("phone")),
                    reader.GetValue(Col("status")), reader.GetValue(Col("assigned_to")), Day(reader.GetValue(Col("lead_date"))), Day(reader.GetValue(Col("next_follow_up")))]);
            Assert.Equal(expected, read);
        }
        var lines = await File.ReadAllLinesAsync(csv);
        Assert.StartsWith("lead_id,full_name,phone,email,city,child_age,lead_date,", lines[0]);
        Assert.Equal(7, lines.Length - 1);
        Assert.Contains(lines, l => l.StartsWith($"{ids[1]},Lead 1,9700000001,,,,2025-11-02,", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Zoya"));
    }

    // A date cell of the export as the warehouse holds it: a day.
    private static object? Day(object? cell) => cell is DateTime d ? DateOnly.FromDateTime(d) : cell;

    [Fact]
    public async Task Too_many_rejects_dry_run_and_a_damaged_workbook_change_nothing()
    {
        var (host, cs) = await HostAsync();
        var rows = new List<object?[]?> { new object?[] { "Name", "Phone" }, new object?[] { "Good", "9811111111" } };
        for (var i = 0; i < 5; i++) rows.Add([$"Bad {i}", "123"]);
        var file = Workbook("rejects.xlsx", ("Leads", rows.ToArray()));

        var failed = await IngestAsync(host, file, exit: 1, "--max-rejects", "3");
        var dry = await IngestAsync(host, file, exit: 0, "--dry-run");
        var damaged = Path.Combine(_dir, "damaged.xlsx");
        var bytes = await File.ReadAllBytesAsync(file);
        await File.WriteAllBytesAsync(damaged, bytes[..(bytes.Length * 2 / 3)]);
        var broken = await IngestAsync(host, damaged, exit: 1);

        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("rejected", failed.GetProperty("error").GetString());
        Assert.Equal(0L, await Db.ScalarAsync<long>(cs, "select count(*) from leads"));
        Assert.True(dry.GetProperty("dry_run").GetBoolean());
        Assert.Equal("failed", broken.GetProperty("status").GetString());
        Assert.Equal(0L, await Db.ScalarAsync<long>(cs, "select count(*) from leads"));
    }

    [Fact]
    public async Task A_Google_Forms_CSV_export_is_one_sheet_named_after_the_file()
    {
        var (host, cs) = await HostAsync();
        var file = Path.Combine(_dir, "Library quiz (Responses).csv");
        await File.WriteAllTextAsync(file, "\uFEFFTimestamp,Name,WhatsApp Number,Email,Area,\"How did you hear about us?\"\r\n" +
            "12/11/2025 10:32:05,Neha Jain,+91 99887-76655,NEHA@Example.com,\"Dwarka, Sector 7\",Instagram\r\n" +
            "13/11/2025 09:01:00,ravi kumar,9977665544.0,ravi@example,Janakpuri,\"A friend, at school\"\r\n" +
            "13/11/2025 09:05:00,Ravi Kumar,099776 65544,ravi.k@example.com,,\r\n");

        var run = await IngestAsync(host, file);

        Assert.Equal((3, 2, 0), (run.GetProperty("rows_read").GetInt32(), run.GetProperty("inserted").GetInt32(), run.GetProperty("rejected").GetInt32()));
        var leads = await LeadsByPhoneAsync(cs, "full_name, email, city, lead_date, source_sheet, source_row, source_payload ->> 'how did you hear about us', cleaning_notes");
        Assert.Equal(["Neha Jain", "neha@example.com", "Dwarka, Sector 7", new DateOnly(2025, 11, 12), "Library quiz (Responses)", 2L, "Instagram", null], leads["9988776655"]);
        // the second and third rows are one lead: the first fills, the third only fills the email the second lacked
        Assert.Equal(["Ravi Kumar", "ravi.k@example.com", "Janakpuri", new DateOnly(2025, 11, 13), "Library quiz (Responses)", 3L, "A friend, at school", "invalid email 'ravi@example'"],
            leads["9977665544"]);
    }

    [Fact]
    public async Task A_generated_workbook_of_every_format_loads_exactly_its_leads()
    {
        var (host, cs) = await HostAsync();
        var file = Path.Combine(_dir, "generated.xlsx");
        var truth = LeadsWorkbook.Write(file, sheets: 10, rows: 6_000, seed: 7);

        var run = await IngestAsync(host, file, 0, "--max-rejects", "1000");

        Assert.Equal(truth.Rows, run.GetProperty("rows_read").GetInt32());
        Assert.Equal(truth.Rejected, run.GetProperty("rejected").GetInt32());
        Assert.Equal((long)truth.Leads, await Db.ScalarAsync<long>(cs, "select count(*) from leads"));
        Assert.Equal(0L, await Db.ScalarAsync<long>(cs, "select count(*) from leads where phone !~ '^[6-9][0-9]{9}$' or full_name is null"));
        Assert.Equal(10L, await Db.ScalarAsync<long>(cs, "select count(distinct source_sheet) from leads"));
    }
}
