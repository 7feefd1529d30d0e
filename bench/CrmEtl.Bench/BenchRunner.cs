using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CrmEtl.Fixtures;
using CrmEtl.Host.Database;
using Npgsql;

/// <summary>
/// The benchmark: for each size, a generated TumbleDry Order Report ingested by the real CLI into a fresh
/// database (stages from the host's own timing lines), the same file again, 1% changed, and the reference
/// (psql \copy of the same rows as CSV plus the very SQL the host's models and checks ran); then the sandbox portals end to end,
/// and host start-up. Writes a markdown table.
/// </summary>
internal sealed partial class BenchRunner(string root, IReadOnlyList<int> sizes, int portalRuns, string output,
    IReadOnlyList<int> pandasSizes, IReadOnlyList<int> salesProSizes, int erpNextDocuments, int leadRows, int webOrders)
{
    private readonly string _root = root;
    private readonly string _host = Path.Combine(root, "artifacts", "host", "crm-etl");
    private readonly string _home = Path.Combine(root, "artifacts", "bench-home");
    private readonly string _files = Path.Combine(root, "artifacts", "bench-files");
    private readonly StringBuilder _report = new();
    private EmbeddedCluster _cluster = null!;
    private (Ingest First, Ingest Again, Ingest Changed)? _million;
    private (Ingest First, Ingest Again)? _salesProMillion;
    private (int Documents, double First, double Again)? _erpNext;
    private double? _leads;
    private readonly List<string> _pandas = [];
    private double? _fourStores;
    private double? _startup;
    private readonly List<string> _firstLoads = [];
    private const int FirstLoads = 3;

    public async Task<int> RunAsync()
    {
        Directory.CreateDirectory(_files);
        _cluster = new EmbeddedCluster(_home);
        await _cluster.EnsureRunningAsync(default);
        // The portals first, on a quiet machine: after the 1M loads autovacuum works through gigabytes for
        // minutes, and runs measured then took 2 s more.
        var portals = portalRuns > 0 ? await PortalsAsync() : "";
        _report.AppendLine("# CrmEtl benchmark results").AppendLine();
        _report.AppendLine(await MachineAsync()).AppendLine();
        _report.AppendLine("## Report file → orders (TumbleDry Order Report, 42 columns, text amounts and dates, Total + footer rows)").AppendLine();
        _report.AppendLine("| rows | file MB | xlsx reader only s | typed parse s | parse+COPY s | models+checks s | total s | rows/s | peak RSS MB (first / 1% changed) | same file again s (in host / wall) | a copy of it s (in host) | 1% changed: total s (updated) | psql \\copy s | psql merge s | psql total s | host / psql | pandas peer s | pandas / host |");
        _report.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var rows in sizes) await SizeAsync(rows);
        _report.AppendLine().AppendLine($"The first load's figures are the median of {FirstLoads} loads, each into a fresh database; their totals: {string.Join("; ", _firstLoads)}.");
        _report.AppendLine().AppendLine("The pandas peer (`bench/pandas_peer.py`): read_excel (openpyxl), the TumbleDry model's normalising in pandas, " +
                                         "COPY and the same merge into orders, on a fresh database; run for " +
                                         (pandasSizes.Count > 0 ? string.Join(", ", pandasSizes.Select(n => n.ToString("N0", CultureInfo.InvariantCulture))) + " rows" : "no size") +
                                         (_pandas.Count > 0 ? $" ({string.Join("; ", _pandas)})." : "."));
        _report.AppendLine();
        foreach (var rows in salesProSizes) await SalesProAsync(rows, first: rows == salesProSizes[0]);
        _report.AppendLine();
        if (erpNextDocuments > 0) await ErpNextAsync(erpNextDocuments);
        if (leadRows > 0) await LeadsAsync(leadRows);
        if (webOrders > 0) await WebAsync(webOrders);
        _report.Append(portals);
        await StartupAsync();
        Goals();
        await File.WriteAllTextAsync(output, _report.ToString());
        Console.WriteLine(_report);
        Console.WriteLine($"written to {output}");
        return 0;
    }

    private async Task SizeAsync(int rows)
    {
        var file = await FileAsync(rows, 0);
        var changed = await FileAsync(rows, 0.01);
        var parse = ParseStages.Run(file).ToList();

        // The first load, the figure the goals are about, varies by a second or so from run to run (checkpoints,
        // what the page cache holds): the median of FirstLoads, each into a fresh database; the later steps go on
        // in the last one.
        var db = "";
        var firsts = new List<Ingest>();
        for (var i = 0; i < FirstLoads; i++)
        {
            db = await FreshDatabaseAsync($"bench_{rows}");
            firsts.Add(await IngestAsync(db, file));
        }
        var first = firsts.OrderBy(f => f.Total).ElementAt(firsts.Count / 2);
        _firstLoads.Add(string.Create(CultureInfo.InvariantCulture, $"{rows:N0}: {string.Join(", ", firsts.Select(f => f.Total.ToString("0.00", CultureInfo.InvariantCulture)))} s"));
        var again = await IngestAsync(db, file);
        var copy = Path.Combine(_files, $"td-{rows}-copy.xlsx"); // same bytes, another file: its md5 must be computed
        File.Copy(file, copy, overwrite: true);
        var copied = await IngestAsync(db, copy);
        File.Delete(copy);
        var rechanged = await IngestAsync(db, changed);
        var reference = await ReferenceAsync(db, rows);
        var pandas = pandasSizes.Contains(rows) ? await PandasAsync(file, rows) : (double?)null;
        var pandasCells = pandas is { } p ? string.Create(CultureInfo.InvariantCulture, $"{p:0.00} | {p / first.Total:0.0}× |") : "not run | |";

        var line = string.Create(CultureInfo.InvariantCulture,
            $"| {rows:N0} | {new FileInfo(file).Length / 1e6:0.0} | {parse[0].Seconds:0.00} | {parse[1].Seconds:0.00} | {first.ParseCopy:0.00} | {first.Transforms:0.00} | " +
            $"{first.Total:0.00} | {rows / first.Total:N0} | {first.PeakRss} / {rechanged.PeakRss} | {again.Total:0.00} / {again.Wall:0.00} | {copied.Total:0.00} | {rechanged.Total:0.00} ({rechanged.Updated:N0}) | " +
            $"{reference.Copy:0.00} | {reference.Merge:0.00} | {reference.Copy + reference.Merge:0.00} | {first.Total / (reference.Copy + reference.Merge):0.00} | {pandasCells}");
        _report.AppendLine(line);
        Console.WriteLine(line);
        if (rows == 1_000_000) _million = (first, again, rechanged);
    }

    // The pandas peer on the same file, into a fresh database the host migrated (its cost_centers, orders).
    private async Task<double> PandasAsync(string file, int rows)
    {
        var db = await FreshDatabaseAsync($"pandas_{rows}");
        await RunHostAsync(db, "migrate");
        var builder = new NpgsqlConnectionStringBuilder(_cluster.ConnectionString(db));
        var dsn = $"host={builder.Host} port={builder.Port} user={builder.Username} password={builder.Password} dbname={db}";
        var psi = new ProcessStartInfo("/usr/bin/python3", [Path.Combine(_root, "bench", "pandas_peer.py"), file, dsn, "a668"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"pandas_peer.py failed: {await stderr}");
        var result = JsonDocument.Parse(await stdout).RootElement;
        var total = result.GetProperty("total_s").GetDouble();
        _pandas.Add(string.Create(CultureInfo.InvariantCulture,
            $"{rows:N0} rows: read_excel {result.GetProperty("read_s").GetDouble():0.0} s, normalise {result.GetProperty("normalise_s").GetDouble():0.0} s, " +
            $"COPY {result.GetProperty("copy_s").GetDouble():0.0} s, merge {result.GetProperty("merge_s").GetDouble():0.0} s, {result.GetProperty("merged").GetInt64():N0} orders merged"));
        return total;
    }

    // A SalesPro appointments CSV (sources.md section 1): first load into a fresh database, the same file again, and a
    // later export with 1% of the appointments moved on.
    private async Task SalesProAsync(int rows, bool first)
    {
        if (first)
        {
            _report.AppendLine("## SalesPro appointments CSV → salespro_appointment (14 columns, quoted commas and line breaks, mixed timestamp, flag and amount spellings)").AppendLine();
            _report.AppendLine("| rows | file MB | parse+COPY s | models+checks s | total s | rows/s | peak RSS MB | same file again s (in host / wall) | 1% moved on: total s (updated) |");
            _report.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        }
        var file = Path.Combine(_files, $"salespro-{rows}.csv");
        var later = Path.Combine(_files, $"salespro-{rows}-later.csv");
        foreach (var (path, version) in new[] { (file, 0), (later, 1) })
        {
            if (File.Exists(path)) continue;
            SalesProExport.Write(rows, path + ".part", version);
            File.Move(path + ".part", path);
        }
        var db = await FreshDatabaseAsync($"salespro_{rows}");
        var load = await IngestAsync(db, file, "salespro");
        var again = await IngestAsync(db, file, "salespro");
        var moved = await IngestAsync(db, later, "salespro");
        var line = string.Create(CultureInfo.InvariantCulture,
            $"| {rows:N0} | {new FileInfo(file).Length / 1e6:0.0} | {load.ParseCopy:0.00} | {load.Transforms:0.00} | {load.Total:0.00} | {rows / load.Total:N0} | {load.PeakRss} | " +
            $"{again.Total:0.00} / {again.Wall:0.00} | {moved.Total:0.00} ({moved.Updated:N0}) |");
        _report.AppendLine(line);
        Console.WriteLine(line);
        if (rows == 1_000_000) _salesProMillion = (load, again);
    }

    // ERPNext as issue 16 sizes it: two sandbox sites of half the documents each, over ten doctypes (Sales Invoice with
    // 1-4 items, Customer, and eight more, half with a child table), page size 500, pulled into a fresh database (every
    // document listed by keyset and fetched whole), then pulled again with nothing changed.
    private async Task ErpNextAsync(int documents)
    {
        var sandbox = Path.Combine(_root, "artifacts", "sandbox", "crm-etl-sandbox");
        using var process = Process.Start(new ProcessStartInfo(sandbox,
                ["--erpnext-sites", "2", "--erpnext-documents", documents.ToString(CultureInfo.InvariantCulture), "--erpnext-doctypes", "10"])
            { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        var sites = JsonDocument.Parse((await process.StandardOutput.ReadLineAsync())!).RootElement.GetProperty("erpnext_sites").EnumerateArray().ToList();
        var env = new Dictionary<string, string>();
        for (var i = 0; i < sites.Count; i++)
        {
            var prefix = $"CRMETL_Erpnext__Instances__{i}__";
            env[prefix + "Name"] = $"site{i + 1}";
            env[prefix + "Url"] = sites[i].GetProperty("url").GetString()!;
            env[prefix + "PageSize"] = "500";
            var d = 0;
            foreach (var doctype in sites[i].GetProperty("doctypes").EnumerateArray()) env[$"{prefix}Doctypes__{d++}"] = doctype.GetString()!;
            env[$"CRMETL_ERPNEXT_SITE{i + 1}_KEY"] = sites[i].GetProperty("key").GetString()!;
            env[$"CRMETL_ERPNEXT_SITE{i + 1}_SECRET"] = sites[i].GetProperty("secret").GetString()!;
        }
        var db = await FreshDatabaseAsync("erpnext_bench");
        await RunHostAsync(db, "migrate");
        var first = await RunHostAsync(db, env, "pull", "--crm", "erpnext", "--json");
        var again = await RunHostAsync(db, env, "pull", "--crm", "erpnext", "--json");
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        (long Documents, int Scopes) Pulled(string stdout)
        {
            var runs = JsonDocument.Parse(stdout).RootElement.GetProperty("runs").EnumerateArray().ToList();
            foreach (var r in runs.Where(r => r.GetProperty("status").GetString() == "failed"))
                throw new InvalidOperationException(r.GetProperty("error").GetString());
            return (runs.Sum(r => r.GetProperty("rows_read").GetInt64()), runs.Count);
        }
        var (pulled, scopes) = Pulled(first.Stdout);
        Pulled(again.Stdout);
        _erpNext = ((int)pulled, first.Wall, again.Wall);
        _report.AppendLine("## ERPNext documents → erp_documents (two sandbox sites on loopback, ten doctypes each, page size 500)").AppendLine();
        _report.AppendLine("| documents | instances × doctypes (runs) | first pull s (wall) | documents/s | pull again, nothing changed s (wall) |");
        _report.AppendLine("|---:|---|---:|---:|---:|");
        _report.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {pulled:N0} | {sites.Count} × 10 ({scopes}) | {first.Wall:0.00} | {pulled / first.Wall:N0} | {again.Wall:0.00} |")).AppendLine();
    }

    // A leads workbook as issue 15 sizes it: 20 sheets in the seed's five formats, loaded FirstLoads times, each into a
    // fresh database (the median counts), then the same leads again from a second workbook that lists them in another order.
    private async Task LeadsAsync(int rows)
    {
        var file = Path.Combine(_files, $"leads-{rows}.xlsx");
        var truth = LeadsWorkbook.Write(file + ".part", sheets: 20, rows: rows);
        File.Move(file + ".part", file, overwrite: true);
        var loads = new List<Ingest>();
        var db = "";
        for (var i = 0; i < FirstLoads; i++)
        {
            db = await FreshDatabaseAsync($"leads_{rows}");
            loads.Add(await IngestAsync(db, file, "leads", "--max-rejects", rows.ToString(CultureInfo.InvariantCulture)));
        }
        var first = loads.OrderBy(l => l.Total).ElementAt(loads.Count / 2);
        var again = await IngestAsync(db, file, "leads");
        if (rows >= 200_000) _leads = first.Total;
        _report.AppendLine($"## Library leads workbook → leads (20 sheets in five formats, {truth.Leads:N0} leads, {truth.Rejected:N0} rows without a valid mobile)").AppendLine();
        _report.AppendLine("| rows | file MB | parse+COPY s | models+checks s | total s | rows/s | peak RSS MB | same file again s (in host / wall) |");
        _report.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        _report.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {rows:N0} | {new FileInfo(file).Length / 1e6:0.0} | {first.ParseCopy:0.00} | {first.Transforms:0.00} | {first.Total:0.00} | {rows / first.Total:N0} | {first.PeakRss} | {again.Total:0.00} / {again.Wall:0.00} |")).AppendLine();
        _report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Median of {FirstLoads} first loads, each into a fresh database: {string.Join(", ", loads.Select(l => l.Total.ToString("0.00", CultureInfo.InvariantCulture)))} s.")).AppendLine();
    }

    // The goals of issue 5, against this run's figures (for the sizes and parts that were run).
    private void Goals()
    {
        void Goal(string what, double? value, double limit, string unit) =>
            _report.AppendLine(value is { } v
                ? string.Create(CultureInfo.InvariantCulture, $"| {what} | {v.ToString(unit == "MB" ? "0" : "0.00", CultureInfo.InvariantCulture)} {unit} | ≤ {limit} {unit} | {(v <= limit ? "met" : "**not met**")} |")
                : $"| {what} | not measured in this run | ≤ {limit} {unit} | |");
        _report.AppendLine().AppendLine("## Goals (issues 5, 14, 15, 16 and 17)").AppendLine();
        _report.AppendLine("| goal | measured | limit | |").AppendLine("|---|---:|---:|---|");
        Goal($"1M-row report → orders (host total, median of {FirstLoads})", _million?.First.Total, 30, "s");
        Goal("peak RSS, 1M rows (first load or 1% changed)", _million is { } m ? Math.Max(m.First.PeakRss, m.Changed.PeakRss) : null, 300, "MB");
        Goal("unchanged 1M file skipped (in the host)", _million?.Again.Total, 0.2, "s");
        Goal("1% changed, 1M rows (host total)", _million?.Changed.Total, 10, "s");
        Goal("four stores downloaded and ingested (median)", _fourStores, 8, "s");
        Goal("host start-up to the first log line (median)", _startup, 0.5, "s");
        Goal("1M-row SalesPro CSV → salespro_appointment (host total)", _salesProMillion?.First.Total, 15, "s");
        Goal("the same 1M SalesPro CSV again (wall, whole CLI run)", _salesProMillion?.Again.Wall, 1, "s");
        Goal("100k ERPNext documents, 2 instances × 10 doctypes, pulled (wall)", _erpNext is { Documents: >= 100_000 } e ? e.First : null, 60, "s");
        Goal("ERPNext pull with nothing changed (wall)", _erpNext?.Again, 2, "s");
        Goal("leads workbook, 20 sheets and 200,000 rows (host total, median)", _leads, 10, "s");
        Goal("slowest web page until its data is drawn, 1M orders (median of 5)", _slowestPage, 1, "s");
    }

    private async Task<string> FileAsync(int rows, double changed)
    {
        var path = Path.Combine(_files, changed > 0 ? $"td-{rows}-changed.xlsx" : $"td-{rows}.xlsx");
        if (!File.Exists(path))
        {
            var clock = Stopwatch.StartNew();
            BenchReports.WriteTd(rows, path + ".part", changed);
            File.Move(path + ".part", path);
            Console.WriteLine($"generated {path} in {clock.Elapsed.TotalSeconds:0.0} s");
        }
        return await Task.FromResult(path);
    }

    private sealed record Ingest(double Wall, double ParseCopy, double Transforms, double Total, long PeakRss, long Updated);

    private async Task<Ingest> IngestAsync(string db, string file, string crm = "td", params string[] more)
    {
        var (wall, stdout, stderr) = await RunHostAsync(db, crm == "td"
            ? ["ingest", "--crm", "td", "--store", "a668", "--file", file, "--json"]
            : ["ingest", "--crm", crm, "--file", file, "--json", .. more]);
        var run = JsonDocument.Parse(stdout).RootElement.GetProperty("runs")[0];
        if (run.GetProperty("status").GetString() is "failed") throw new InvalidOperationException(run.GetProperty("error").GetString());
        return new Ingest(wall,
            Seconds(stderr, ParseCopyLine()), Seconds(stderr, TransformsLine()), Seconds(stderr, TotalLine()),
            PeakRssLine().Match(stderr) is { Success: true } m ? long.Parse(m.Groups[1].Value) : 0,
            crm == "td" ? run.GetProperty("updated").GetInt64() : Updated(run, "salespro_appointment"));
    }

    private static long Updated(JsonElement run, string table) =>
        run.GetProperty("tables").EnumerateArray().Where(t => t.GetProperty("table").GetString() == table).Sum(t => t.GetProperty("updated").GetInt64());

    // The same rows the CLI staged, exported as CSV, loaded by psql \copy into a fresh database, then the same SQL.
    private async Task<(double Copy, double Merge)> ReferenceAsync(string benchDb, int rows)
    {
        var csv = Path.Combine(_files, $"td-{rows}.csv");
        var columns = await ColumnsAsync(benchDb);
        await PsqlAsync(benchDb, $"\\copy (select {columns} from stg_td_order_report where load_batch_id = (select min(load_batch_id) from stg_td_order_report)) to '{csv}' csv");
        var db = await FreshDatabaseAsync($"reference_{rows}");
        await RunHostAsync(db, "migrate");
        var copy = await PsqlAsync(db, $"\\copy stg_td_order_report ({columns}) from '{csv}' csv");
        // The statements the host runs for that batch (its models, materialisation and checks), as it prints them.
        var batch = await ScalarAsync(db, "select min(load_batch_id) from stg_td_order_report");
        var (_, statements, _) = await RunHostAsync(db, "transform", "--crm", "td", "--report", "orders", "--batch", batch, "--print-sql");
        // as the host does after a big COPY: fresh statistics for the models' plans (IngestService)
        var merge = await PsqlAsync(db, $"analyze stg_td_order_report;\nbegin;\n{statements}\ncommit;");
        File.Delete(csv);
        return (copy, merge);
    }

    private async Task<string> PortalsAsync()
    {
        var section = new StringBuilder();
        var db = await FreshDatabaseAsync("bench_portals");
        var sandbox = Path.Combine(_root, "artifacts", "sandbox", "crm-etl-sandbox");
        using var process = Process.Start(new ProcessStartInfo(sandbox) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        var ready = JsonDocument.Parse((await process.StandardOutput.ReadLineAsync())!).RootElement;
        var config = Path.Combine(_home, "bench-config.json");
        var profiles = Path.Combine(_home, "bench-profiles");
        var template = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_root, "crm-etl.json"))).RootElement;
        var stores = template.GetProperty("stores").EnumerateArray().Select(s => new Dictionary<string, object?>
        {
            ["crm"] = s.GetProperty("crm").GetString(), ["id"] = s.GetProperty("id").GetString(), ["code"] = s.GetProperty("code").GetString(),
            ["name"] = s.GetProperty("name").GetString(), ["costCenter"] = s.GetProperty("costCenter").GetString(),
            ["exportMode"] = s.TryGetProperty("exportMode", out var m) ? m.GetString() : null,
            ["profile"] = Path.Combine(profiles, $"{s.GetProperty("crm").GetString()}_{s.GetProperty("id").GetString()}.json"),
        }).ToList();
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            stores,
            crms = new Dictionary<string, object>
            {
                ["td"] = new { urls = new { subs = ready.GetProperty("td_subs").GetString(), reports = ready.GetProperty("td_reports").GetString() } },
                ["uc"] = new { urls = new { store = ready.GetProperty("uc_store").GetString() } },
            },
        }));
        var env = new Dictionary<string, string> { ["CRMETL_CONFIG"] = config };
        foreach (var account in ready.GetProperty("accounts").EnumerateArray())
        {
            var login = new Dictionary<string, string>(env)
            {
                ["CRMETL_BOOTSTRAP_USER"] = account.GetProperty("user").GetString()!,
                ["CRMETL_BOOTSTRAP_PASSWORD"] = account.GetProperty("password").GetString()!,
                ["CRMETL_BOOTSTRAP_OTP"] = ready.GetProperty("otp").GetString()!,
            };
            await RunHostAsync(db, login, "bootstrap", "--crm", account.GetProperty("crm").GetString()!, "--store", account.GetProperty("store").GetString()!, "--headless");
        }
        var one = new List<double>();
        var four = new List<double>();
        var sequential = new List<double>();
        var parallel2 = new List<double>();
        for (var i = 0; i < portalRuns; i++)
        {
            one.Add(await ScheduledRunAsync("--crm", "td", "--store", "a668", "--from", "today", "--to", "today"));
            four.Add(await ScheduledRunAsync("--from", "today", "--to", "today"));
            sequential.Add(await ScheduledRunAsync("--from", "today", "--to", "today", "--parallel", "1"));
            parallel2.Add(await ScheduledRunAsync("--from", "today", "--to", "today", "--parallel", "2"));
        }
        process.StandardInput.Close();

        // A scheduled run starts on a quiet machine (cron runs hours apart), not while the previous run's
        // browser is still winding down.
        async Task<double> ScheduledRunAsync(params string[] args)
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            return (await RunHostAsync(db, env, ["download", .. args])).Wall;
        }
        await process.WaitForExitAsync();
        _fourStores = Median(four);
        section.AppendLine($"## Portals end to end (sandbox, download + ingest of today, median of {portalRuns})").AppendLine();
        section.AppendLine("| what | median s | runs s |").AppendLine("|---|---:|---|");
        section.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| one store (td/a668) | {Median(one):0.00} | {string.Join(", ", one.Select(x => x.ToString("0.00", CultureInfo.InvariantCulture)))} |"));
        foreach (var (what, runs) in new[] { ("all four stores (default: 4 at once)", four), ("all four stores, --parallel 1", sequential), ("all four stores, --parallel 2", parallel2) })
            section.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {Median(runs):0.00} | {string.Join(", ", runs.Select(x => x.ToString("0.00", CultureInfo.InvariantCulture)))} |"));
        section.AppendLine();
        return section.ToString();
    }

    // From process start to the host's first log line (host.start), median of 7.
    private async Task StartupAsync()
    {
        var times = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            var psi = new ProcessStartInfo(_host, ["plugins"]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            psi.Environment["CRMETL_LOG_LEVEL"] = "Debug";
            psi.Environment["CRMETL_HOME"] = _home;
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(psi)!;
            await process.StandardError.ReadLineAsync();
            times.Add(clock.Elapsed.TotalSeconds);
            await process.WaitForExitAsync();
        }
        _startup = Median(times);
        _report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Host start-up to its first log line: median {Median(times):0.000} s of 7."));
    }

    private async Task<(double Wall, string Stdout, string Stderr)> RunHostAsync(string db, params string[] args) =>
        await RunHostAsync(db, new Dictionary<string, string>(), args);

    private async Task<(double Wall, string Stdout, string Stderr)> RunHostAsync(string db, Dictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo(_host, args) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.Environment["CRMETL_DATABASE"] = _cluster.ConnectionString(db);
        psi.Environment["CRMETL_HOME"] = _home;
        psi.Environment["CRMETL_LOG_LEVEL"] = "Debug";
        foreach (var (k, v) in env) psi.Environment[k] = v;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var wall = clock.Elapsed.TotalSeconds;
        if (process.ExitCode != 0 && args[0] != "ingest")
            throw new InvalidOperationException($"crm-etl {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}");
        return (wall, await stdout, await stderr);
    }

    private async Task<double> PsqlAsync(string db, string script)
    {
        var builder = new NpgsqlConnectionStringBuilder(_cluster.ConnectionString(db));
        var psi = new ProcessStartInfo("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", builder.Host!, "-p", builder.Port.ToString(), "-U", builder.Username!, "-d", db])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.Environment["PGPASSWORD"] = builder.Password;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        await process.StandardInput.WriteLineAsync(script);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"psql failed: {await stderr}");
        return clock.Elapsed.TotalSeconds;
    }

    private async Task<string> ScalarAsync(string db, string sql)
    {
        await using var conn = new NpgsqlConnection(_cluster.ConnectionString(db));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToString(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture)!;
    }

    private async Task<string> ColumnsAsync(string db)
    {
        await using var conn = new NpgsqlConnection(_cluster.ConnectionString(db));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "select string_agg(column_name, ', ' order by ordinal_position) from information_schema.columns where table_name = 'stg_td_order_report'", conn);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<string> FreshDatabaseAsync(string name)
    {
        await using var conn = new NpgsqlConnection(_cluster.ConnectionString("postgres"));
        await conn.OpenAsync();
        foreach (var sql in new[] { $"drop database if exists {name} with (force)", $"create database {name}" })
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return name;
    }

    private async Task<string> MachineAsync()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':')[1].Trim() ?? "?";
        var memory = long.Parse(File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024 / 1024.0;
        var os = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME="))?.Split('=')[1].Trim('"') ?? "?";
        await using var conn = new NpgsqlConnection(_cluster.ConnectionString("postgres"));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("show server_version", conn);
        var pg = await cmd.ExecuteScalarAsync();
        return string.Create(CultureInfo.InvariantCulture,
            $"Machine: {Environment.ProcessorCount} cores ({cpu}), {memory:0.0} GiB memory, {os}, {RuntimeInformation.FrameworkDescription}, " +
            $"PostgreSQL {pg} (the embedded cluster: fsync on, synchronous_commit off), {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
    }

    private static double Seconds(string log, Regex pattern) =>
        pattern.Match(log) is { Success: true } m ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    [GeneratedRegex(@"parse\+copy ([\d.]+) s")]
    private static partial Regex ParseCopyLine();

    [GeneratedRegex(@"models ([\d.]+) s")]
    private static partial Regex TransformsLine();

    [GeneratedRegex(@"total ([\d.]+) s")]
    private static partial Regex TotalLine();

    [GeneratedRegex(@"peak RSS (\d+) MB")]
    private static partial Regex PeakRssLine();
}
