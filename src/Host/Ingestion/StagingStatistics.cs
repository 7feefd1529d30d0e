using Npgsql;

namespace CrmEtl.Host.Ingestion;

/// <summary>Statistics of a staging table after a bulk load, for the models' plans (files and pulls alike).</summary>
internal static class StagingStatistics
{
    // The models plan their joins on the staging table's statistics, which a bulk load leaves stale: a table
    // autovacuum last saw empty looks empty, and a nested loop chosen for it then takes minutes over 60,000 rows.
    // So a load that is a tenth of the table or more is analyzed with it. A smaller one of a thousand rows or more
    // gets its batch column analyzed (a sample of 30,000 rows): a batch the statistics do not know is planned as one
    // row, and the batch view's look-up of a later row of the same key then scans the whole batch for each of its rows.
    // Two loads analyzing one table wait for each other (ANALYZE locks against itself): a load that finds the table
    // being analyzed goes on with the statistics the other is making.
    public static async Task RefreshAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string table, long staged, CancellationToken ct)
    {
        var quoted = StagingLoader.Quote(table);
        var columns = "";
        await using (var known = new NpgsqlCommand("select reltuples from pg_class where oid = $1::regclass", conn, tx))
        {
            known.Parameters.AddWithValue(quoted);
            var rows = Convert.ToDouble(await known.ExecuteScalarAsync(ct));
            if (rows > 0 && staged < rows / 10)
            {
                if (staged < 1000) return;
                columns = " (load_batch_id)";
            }
        }
        await using var analyze = new NpgsqlBatch(conn, tx)
        {
            BatchCommands =
            {
                new("savepoint crm_etl_analyze"),
                new("set local lock_timeout = '100ms'"),
                new($"analyze {quoted}{columns}"),
                new("set local lock_timeout to default"),
                new("release savepoint crm_etl_analyze"),
            },
        };
        try
        {
            await analyze.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            await using var back = new NpgsqlCommand("rollback to savepoint crm_etl_analyze; release savepoint crm_etl_analyze", conn, tx);
            await back.ExecuteNonQueryAsync(ct);
        }
    }
}
