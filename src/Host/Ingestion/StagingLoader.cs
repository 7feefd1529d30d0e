using CrmEtl.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace CrmEtl.Host.Ingestion;

/// <summary>
/// Streams a report's rows into its staging table with binary COPY, tagging each with its lineage and
/// its <see cref="RowHasher">row hash</see>.
/// </summary>
internal static class StagingLoader
{
    private static readonly string[] LineageColumns =
        ["source_system", "store_code", "cost_center", "file_md5", "load_batch_id", "source_row_number", "extra_columns", "row_hash"];

    public static async Task<long> CopyAsync(
        NpgsqlConnection conn, SourceInfo source, IReadOnlyList<StagingColumn> columns, IReportReader reader,
        Store store, string md5, long batchId, CancellationToken ct)
    {
        var names = columns.Select(c => Quote(c.Name)).Concat(LineageColumns.Select(Quote));
        var copy = $"copy {Quote(source.StagingTable)} ({string.Join(", ", names)}) from stdin (format binary)";
        var types = columns.Select(c => c.Kind switch
        {
            CellKind.Money => NpgsqlDbType.Numeric,
            CellKind.DateTime => NpgsqlDbType.Timestamp,
            _ => NpgsqlDbType.Text,
        }).ToArray();

        // Parsing (CPU in this process) and COPY (the server) overlap: a reader thread fills a bounded queue of
        // rows that the importer drains. Rows are copied out of the reader's reused buffer. The importer is
        // driven synchronously: per-value awaits cost more than the writes themselves.
        using var rows = new System.Collections.Concurrent.BlockingCollection<StagedRow>(boundedCapacity: 4096);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(() =>
        {
            try
            {
                while (reader.Read()) rows.Add(new StagedRow([.. reader.Values], reader.RowNumber, reader.ExtraColumnsJson), stop.Token);
            }
            finally
            {
                rows.CompleteAdding();
            }
        }, stop.Token);

        try
        {
            return await Task.Run(() =>
            {
                using var importer = conn.BeginBinaryImport(copy);
                using var hasher = new RowHasher(columns.Select(c => c.InRowHash).ToArray());
                foreach (var row in rows.GetConsumingEnumerable(stop.Token))
                {
                    importer.StartRow();
                    for (var i = 0; i < types.Length; i++)
                    {
                        switch (row.Values[i])
                        {
                            case null: importer.WriteNull(); break;
                            case string text: importer.Write(text, NpgsqlDbType.Text); break;
                            case decimal amount: importer.Write(amount, NpgsqlDbType.Numeric); break;
                            case DateTime time: importer.Write(time, NpgsqlDbType.Timestamp); break;
                            case var other: importer.Write(other, types[i]); break;
                        }
                    }
                    importer.Write(source.SourceSystem, NpgsqlDbType.Text);
                    importer.Write(store.Code, NpgsqlDbType.Text);
                    importer.Write(store.CostCenter, NpgsqlDbType.Text);
                    importer.Write(md5, NpgsqlDbType.Text);
                    importer.Write(batchId, NpgsqlDbType.Bigint);
                    importer.Write(row.Number, NpgsqlDbType.Bigint);
                    if (row.Extras is { } extras) importer.Write(extras, NpgsqlDbType.Jsonb);
                    else importer.WriteNull();
                    importer.Write(hasher.Hash(row.Values, row.Extras), NpgsqlDbType.Text);
                }
                producer.GetAwaiter().GetResult(); // a parse error ends the COPY uncompleted: rolled back
                return (long)importer.Complete();
            }, ct);
        }
        finally
        {
            stop.Cancel();
            try
            {
                await producer;
            }
            catch (Exception)
            {
                // reported above, or cancelled because the COPY failed first
            }
        }
    }

    private sealed record StagedRow(object?[] Values, long Number, string? Extras);

    /// <summary>A SQL identifier in double quotes (staging table and column names come from plugins).</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
