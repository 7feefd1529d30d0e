using System.Text.Json;
using CrmEtl.Fixtures;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Ingestion;

/// <summary>An analyst edits a model and re-runs it over what is already staged.</summary>
public sealed class TransformTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private readonly string _dir = Repo.TempDir("transform");

    [Fact]
    public async Task An_edited_model_rerun_updates_exactly_the_rows_it_changes()
    {
        var host = new HostProcess(db.ConnectionString);
        var invoices = UcGstReport.Invoices("UC567", new DateOnly(2025, 7, 1), count: 11);
        var ingest = await host.RunAsync("ingest", "--crm", "uc", "--store", "sector56", "--file", Files.Uc(_dir, invoices));
        Assert.Equal(0, ingest.ExitCode);

        // The analyst's copy of the UClean plugin where its model upper-cases customer names.
        host.Environment["CRMETL_PLUGINS"] = Pipeline.WithEditedSql(_dir, "UClean", "models/orders/010_orders.sql",
            sql => sql.Replace("    b.customer_name,\n", "    upper(b.customer_name) as customer_name,\n")).Root;

        var first = await host.RunAsync("transform", "--crm", "uc", "--all", "--json");
        var second = await host.RunAsync("transform", "--crm", "uc", "--all", "--json");

        Assert.True(first.ExitCode == 0, first.ToString());
        var batch = JsonDocument.Parse(first.Stdout).RootElement.GetProperty("batches")[0];
        Assert.Equal((0, 11, 0), (batch.GetProperty("inserted").GetInt64(), batch.GetProperty("updated").GetInt64(), batch.GetProperty("unchanged").GetInt64()));
        Assert.Equal(11, JsonDocument.Parse(second.Stdout).RootElement.GetProperty("batches")[0].GetProperty("unchanged").GetInt64());
        Assert.Equal(invoices[0].CustomerName.ToUpperInvariant(), await Db.ScalarAsync<string>(db.ConnectionString,
            "select customer_name from orders where source_order_id = $1", invoices[0].BookingId));
    }

    [Fact]
    public async Task Rerunning_an_older_batch_never_rolls_orders_back()
    {
        var pipeline = new Pipeline(db.ConnectionString);
        var day = new DateOnly(2025, 7, 2);
        var morning = TdOrderReport.Orders("a668", day, asOf: day.ToDateTime(new TimeOnly(12, 0)), count: 20);
        var evening = TdOrderReport.Orders("a668", day, count: 20);
        var first = await pipeline.IngestAsync("td", "a668", Files.Td(_dir, morning, name: "am.xlsx"));
        await pipeline.IngestAsync("td", "a668", Files.Td(_dir, evening, name: "pm.xlsx"));
        var batch = await Db.ScalarAsync<long>(db.ConnectionString, "select load_batch_id from ingest_audit where run_id = $1", first.RunId!.Value);

        var host = new HostProcess(db.ConnectionString);
        var rerun = await host.RunAsync("transform", "--crm", "td", "--batch", batch.ToString(), "--json");

        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        var counts = JsonDocument.Parse(rerun.Stdout).RootElement.GetProperty("batches")[0];
        Assert.Equal(0, counts.GetProperty("updated").GetInt64());
        Assert.Equal(evening.Count(o => o.Status == "Delivered"), await Db.ScalarAsync<long>(db.ConnectionString,
            "select count(*) from orders where order_date = $1 and order_status = 'Delivered'", day));
    }

    [Fact]
    public async Task A_broken_model_fails_naming_the_file_and_line_and_changes_nothing()
    {
        var (plugins, root) = Pipeline.WithEditedSql(_dir, "TumbleDry", "models/orders/010_orders.sql",
            sql => sql.Replace("    b.name                                            as customer_name,", "    b.nam                                             as customer_name,"));
        var model = Path.Combine(root, "TumbleDry", "sql", "models", "orders", "010_orders.sql");

        var outcome = await new Pipeline(db.ConnectionString, plugins)
            .IngestAsync("td", "a817", Files.Td(_dir, TdOrderReport.Orders("a817", new DateOnly(2025, 7, 3), count: 5), name: "x.xlsx"));

        Assert.Equal("failed", outcome.Status);
        Assert.Equal("model", outcome.ErrorStep);
        Assert.Contains("010_orders.sql", outcome.Error);
        Assert.Contains("b.nam", outcome.Error);
        var line = File.ReadAllLines(model).ToList().FindIndex(l => l.Contains("b.nam ")) + 1;
        Assert.Contains($"(line {line})", outcome.Error);
        Assert.Equal(0, await Db.ScalarAsync<long>(db.ConnectionString, "select count(*) from orders where order_date = '2025-07-03'"));
        Assert.Equal(0, await Db.ScalarAsync<long>(db.ConnectionString, "select count(*) from stg_td_order_report where file_md5 = $1", outcome.Md5!));
    }

    [Fact]
    public async Task The_shared_helpers_let_a_batch_query_run_on_every_core()
    {
        // One parallel-unsafe function anywhere in a query keeps all of it on one core (a 1M-row normalise
        // step took twice as long). lead_update changes data (a person's change to a lead): never part of a query.
        var unsafeHelpers = await Db.RowsAsync(db.ConnectionString,
            "select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' and p.proparallel <> 's' and p.proname <> 'lead_update'");
        Assert.Empty(unsafeHelpers.Select(r => (string?)r[0]));

        await using var conn = new Npgsql.NpgsqlConnection(db.ConnectionString);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        // force_parallel_mode (PostgreSQL 16: debug_parallel_query) puts a Gather over any query that may run in parallel.
        const string plan = """
            select set_config('crmetl.load_batch_id', '1', true),
                   (select set_config(name, 'on', true) from pg_settings where name in ('debug_parallel_query', 'force_parallel_mode') limit 1);
            explain select count(*) from stg_td_order_report s where s.load_batch_id = crm_etl_batch() and normalise_mobile(s.phone) is not null
            """;
        await using var cmd = new Npgsql.NpgsqlCommand(plan, conn, tx);
        var lines = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            await reader.NextResultAsync();
            while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        }
        Assert.True(lines.Any(l => l.Contains("Gather")), string.Join("\n", lines));
    }
}
