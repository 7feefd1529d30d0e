using CrmEtl.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace CrmEtl.Host.Ingestion;

/// <summary>Streams a report's rows into its staging table with binary COPY, tagging each with its lineage.</summary>
internal static class StagingLoader
{
    private static readonly string[] LineageColumns =
        ["source_system", "store_code", "cost_center", "file_md5", "load_batch_id", "source_row_number", "extra_columns"];

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

        await using var importer = await conn.BeginBinaryImportAsync(copy, ct);
        while (reader.Read())
        {
            await importer.StartRowAsync(ct);
            var values = reader.Values;
            for (var i = 0; i < types.Length; i++)
            {
                if (values[i] is { } value) await importer.WriteAsync(value, types[i], ct);
                else await importer.WriteNullAsync(ct);
            }
            await importer.WriteAsync(source.SourceSystem, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(store.Code, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(store.CostCenter, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(md5, NpgsqlDbType.Text, ct);
            await importer.WriteAsync(batchId, NpgsqlDbType.Bigint, ct);
            await importer.WriteAsync(reader.RowNumber, NpgsqlDbType.Bigint, ct);
            if (reader.ExtraColumnsJson is { } extras) await importer.WriteAsync(extras, NpgsqlDbType.Jsonb, ct);
            else await importer.WriteNullAsync(ct);
        }
        return (long)await importer.CompleteAsync(ct);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
