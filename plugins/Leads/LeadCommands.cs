using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrmEtl.Abstractions.Commands;
using MiniExcelLibs;
using Npgsql;
using Sylvan.Data.Csv;

namespace CrmEtl.Plugins.Leads;

/// <summary>
/// How people work the leads: list them, change one's status, priority or owner (each change in
/// <c>lead_status_history</c>), share the unassigned ones out, export a list for a spreadsheet. Follow-up days are IST.
/// </summary>
internal static class LeadCommands
{
    private const string Today = "(now() at time zone 'Asia/Kolkata')::date";

    private static readonly string[] Priorities = ["Low", "Medium", "High", "Urgent"];

    // What a list and an export show, in order; times as IST wall clock, which is what the library's staff read.
    // As text (a CSV), dates are yyyy-MM-dd and times yyyy-MM-dd HH:mm:ss; otherwise typed (an .xlsx's date cells).
    private static string Columns(bool asText) => $"""
        lead_id, full_name, phone, email, city, child_age, {Day("lead_date", asText)}, lead_source, lead_type, status, priority,
        assigned_to, {Day("next_follow_up", asText)},
        {(asText ? "to_char(status_changed_at at time zone 'Asia/Kolkata', 'YYYY-MM-DD HH24:MI:SS')" : "(status_changed_at at time zone 'Asia/Kolkata')")} as status_changed_at_ist,
        notes, source_file, source_sheet, source_row
        """;

    private static string Day(string column, bool asText) => asText ? $"to_char({column}, 'YYYY-MM-DD') as {column}" : column;

    private static readonly PluginOption Status = new("status", "S", "Only leads of this status");
    private static readonly PluginOption Due = new("due", null, "Only leads whose next follow-up is today or earlier (IST)");

    public static readonly PluginCommand List = new("leads", "list", "The leads, with their status, owner and next follow-up",
        [Status, Due, new("assigned-to", "NAME", "Only leads assigned to NAME"), new("json", null, "One JSON document on stdout")],
        ListAsync)
    {
        Example = "./crm-etl leads list --due --assigned-to Priya",
    };

    public static readonly PluginCommand Update = new("leads", "update", "Change a lead's status, priority or owner, with a note",
        [
            new("status", "S", "The new status (one of lead_statuses); sets the next follow-up from its days"),
            new("priority", "P", "Low, Medium, High or Urgent"),
            new("note", "TEXT", "A note for the lead's history"),
            new("assign", "NAME", "Who works the lead"),
            new("by", "NAME", "Who made the change (default: the user running the command)"),
        ],
        UpdateAsync)
    {
        Arguments = ["ID"],
        Example = "./crm-etl leads update 42 --status \"Follow Up 1\" --note \"called, asked to ring on Monday\"",
    };

    public static readonly PluginCommand Assign = new("leads", "assign", "Share the unassigned leads out, in turn (round robin)",
        [new("to", "NAME[,NAME...]", "Who to share them between", Required: true), Status, new("by", "NAME", "Who shared them (default: the user running the command)")],
        AssignAsync)
    {
        Example = "./crm-etl leads assign --to Priya,Rahul --status \"New Lead\"",
    };

    public static readonly PluginCommand Export = new("leads", "export", "Write the leads to an .xlsx or .csv file",
        [new("format", "xlsx|csv", "The file's format", Required: true), new("out", "PATH", "The file to write (replaced)", Required: true), Status, Due],
        ExportAsync)
    {
        Example = "./crm-etl leads export --format xlsx --out due.xlsx --due",
    };

    private static async Task<NpgsqlConnection> OpenAsync(PluginCommandContext context, CancellationToken ct)
    {
        var conn = new NpgsqlConnection(context.ConnectionString);
        await conn.OpenAsync(ct);
        return conn;
    }

    // The statuses people may set (analysts may add some), in their order.
    private static async Task<List<string>> StatusesAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select status from lead_statuses order by position", conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var statuses = new List<string>();
        while (await reader.ReadAsync(ct)) statuses.Add(reader.GetString(0));
        return statuses;
    }

    private static async Task<string?> StatusOptionAsync(PluginCommandContext context, NpgsqlConnection conn, CancellationToken ct)
    {
        if (context.Option("status") is not { } given) return null;
        var statuses = await StatusesAsync(conn, ct);
        return statuses.FirstOrDefault(s => string.Equals(s, given.Trim(), StringComparison.OrdinalIgnoreCase))
               ?? throw new PluginUsageException($"--status '{given}' is not a lead status; one of: {string.Join(", ", statuses)}");
    }

    private static string? PriorityOption(PluginCommandContext context) =>
        context.Option("priority") is not { } given
            ? null
            : Priorities.FirstOrDefault(p => string.Equals(p, given.Trim(), StringComparison.OrdinalIgnoreCase))
              ?? throw new PluginUsageException($"--priority '{given}' is not a priority; one of: {string.Join(", ", Priorities)}");

    private static string By(PluginCommandContext context) => context.Option("by")?.Trim() is { Length: > 0 } by ? by : Environment.UserName;

    // The leads the options select, as a command over the columns above.
    private static async Task<NpgsqlCommand> SelectAsync(PluginCommandContext context, NpgsqlConnection conn, CancellationToken ct, bool asText = false)
    {
        var cmd = new NpgsqlCommand { Connection = conn };
        var where = new List<string>();
        if (await StatusOptionAsync(context, conn, ct) is { } status)
        {
            cmd.Parameters.AddWithValue(status);
            where.Add($"status = ${cmd.Parameters.Count}");
        }
        if (context.Flag("due")) where.Add($"next_follow_up <= {Today}");
        if (context.Option("assigned-to") is { } owner)
        {
            cmd.Parameters.AddWithValue(owner.Trim());
            where.Add($"lower(assigned_to) = lower(${cmd.Parameters.Count})");
        }
        cmd.CommandText = $"select {Columns(asText)} from leads{(where.Count > 0 ? " where " + string.Join(" and ", where) : "")} order by lead_id";
        return cmd;
    }

    private static async Task<int> ListAsync(PluginCommandContext context, CancellationToken ct)
    {
        await using var conn = await OpenAsync(context, ct);
        await using var cmd = await SelectAsync(context, conn, ct, asText: true);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (context.Flag("json"))
        {
            var leads = new JsonArray();
            while (await reader.ReadAsync(ct))
            {
                var lead = new JsonObject();
                for (var i = 0; i < reader.FieldCount; i++) lead[reader.GetName(i)] = Json(reader.GetValue(i));
                leads.Add(lead);
            }
            await context.Out.WriteLineAsync(new JsonObject { ["count"] = leads.Count, ["leads"] = leads }.ToJsonString());
            return 0;
        }
        await context.Out.WriteLineAsync($"{"id",6}  {"name",-24} {"phone",-10}  {"status",-18} {"priority",-8} {"assigned to",-14} {"follow up",-10}");
        long count = 0;
        while (await reader.ReadAsync(ct))
        {
            count++;
            string Text(string column) => reader[column] is DBNull ? "" : Convert.ToString(reader[column], CultureInfo.InvariantCulture)!;
            var followUp = Text("next_follow_up");
            await context.Out.WriteLineAsync(
                $"{reader.GetInt64(0),6}  {Cut(Text("full_name"), 24),-24} {Text("phone"),-10}  {Cut(Text("status"), 18),-18} {Text("priority"),-8} {Cut(Text("assigned_to"), 14),-14} {followUp,-10}");
        }
        await context.Out.WriteLineAsync($"{count} lead(s)");
        return 0;
    }

    private static string Cut(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";

    private static JsonNode? Json(object value) => value switch
    {
        DBNull => null,
        long n => JsonValue.Create(n),
        int n => JsonValue.Create(n),
        var other => JsonValue.Create(Convert.ToString(other, CultureInfo.InvariantCulture)),
    };

    private static async Task<int> UpdateAsync(PluginCommandContext context, CancellationToken ct)
    {
        if (context.Arguments is not [var idText] || !long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            throw new PluginUsageException("give the lead's id: ./crm-etl leads update ID --status S");
        var priority = PriorityOption(context);
        var note = context.Option("note")?.Trim() is { Length: > 0 } n ? n : null;
        var assign = context.Option("assign")?.Trim() is { Length: > 0 } a ? a : null;
        if (context.Option("status") is null && priority is null && note is null && assign is null)
            throw new PluginUsageException("nothing to change: give --status, --priority, --note or --assign");

        await using var conn = await OpenAsync(context, ct);
        var status = await StatusOptionAsync(context, conn, ct);
        // lead_update (0002_lead_update.sql) makes the change and its history line, as the web page's does
        await using var update = new NpgsqlCommand("select old_status, new_status from lead_update($1, $2, $3, $4, $5, $6)", conn);
        update.Parameters.AddWithValue(id);
        foreach (var value in new[] { status, priority, assign, note, By(context) }) update.Parameters.Add(Text(value));
        await using var reader = await update.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) throw new PluginUsageException($"there is no lead {id} (./crm-etl leads list shows them)");
        var (old, now) = (reader.GetString(0), reader.GetString(1));
        await context.Out.WriteLineAsync($"lead {id}: {old} → {now}{(priority is null ? "" : $", priority {priority}")}{(assign is null ? "" : $", assigned to {assign}")}");
        return 0;
    }

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text };

    private static async Task<int> AssignAsync(PluginCommandContext context, CancellationToken ct)
    {
        var names = context.Option("to")!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (names.Length == 0) throw new PluginUsageException("--to needs at least one name");
        await using var conn = await OpenAsync(context, ct);
        var status = await StatusOptionAsync(context, conn, ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Oldest first, so the longest-waiting leads are shared out first; locked, so two runs never share one lead twice.
        await using var cmd = new NpgsqlCommand($"""
            with locked as (
                select lead_id, status
                from leads
                where assigned_to is null {(status is null ? "" : "and status = $2")}
                order by lead_id
                for update skip locked
            ), waiting as (
                select lead_id, status, row_number() over (order by lead_id) - 1 as nth from locked
            ), assigned as (
                update leads l set assigned_to = ($1::text[])[w.nth % cardinality($1::text[]) + 1], set_by_person = true, updated_at = now()
                from waiting w where l.lead_id = w.lead_id
                returning l.lead_id, l.status, l.assigned_to
            ), history as (
                insert into lead_status_history (lead_id, old_status, new_status, note, changed_by)
                select lead_id, status, status, 'assigned to ' || assigned_to, $3 from assigned
            )
            select assigned_to, count(*) from assigned group by assigned_to order by assigned_to
            """, conn, tx);
        cmd.Parameters.AddWithValue(names);
        cmd.Parameters.Add(Text(status));
        cmd.Parameters.AddWithValue(By(context));
        var counts = new List<string>();
        long total = 0;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                counts.Add($"{reader.GetString(0)} {reader.GetInt64(1)}");
                total += reader.GetInt64(1);
            }
        await tx.CommitAsync(ct);
        await context.Out.WriteLineAsync(total == 0 ? "no unassigned leads" : $"{total} lead(s) assigned: {string.Join(", ", counts)}");
        return 0;
    }

    private static async Task<int> ExportAsync(PluginCommandContext context, CancellationToken ct)
    {
        var format = context.Option("format")!.Trim().ToLowerInvariant();
        if (format is not ("xlsx" or "csv")) throw new PluginUsageException($"--format '{format}': xlsx or csv");
        var path = Path.GetFullPath(context.Option("out")!);
        if (Path.GetDirectoryName(path) is { } dir && !Directory.Exists(dir)) throw new PluginUsageException($"--out {path}: no such folder");

        await using var conn = await OpenAsync(context, ct);
        await using var cmd = await SelectAsync(context, conn, ct, asText: format == "csv");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        // Written beside it and moved in place: a reader of the old file never sees half a new one.
        var temp = path + ".part";
        long rows;
        if (format == "csv")
        {
            await using var file = new StreamWriter(temp, false, new System.Text.UTF8Encoding(false));
            await using var csv = CsvDataWriter.Create(file, new CsvDataWriterOptions { DateTimeFormat = "yyyy-MM-dd HH:mm:ss" });
            rows = await csv.WriteAsync(reader, ct);
        }
        else
        {
            rows = MiniExcel.SaveAs(temp, reader, sheetName: "Leads", excelType: ExcelType.XLSX, overwriteFile: true).Sum();
        }
        File.Move(temp, path, overwrite: true);
        await context.Out.WriteLineAsync($"{rows} lead(s) → {path}");
        return 0;
    }
}
