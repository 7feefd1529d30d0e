using CrmEtl.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace CrmEtl.Host.Ingestion;

/// <summary>
/// Streams a report's rows into its staging table with binary COPY, tagging each with its lineage and
/// its <see cref="RowHasher">row hash</see>, and leaving out the rows <see cref="UnchangedRows"/> says orders holds.
/// </summary>
internal static class StagingLoader
{
    /// <summary>Rows read from the file, and of them the rows staged.</summary>
    public readonly record struct Counts(long Read, long Staged);

    private static readonly string[] LineageColumns =
        ["source_system", "store_code", "cost_center", "file_md5", "load_batch_id", "source_row_number", "extra_columns", "row_hash"];

    public static async Task<Counts> CopyAsync(
        NpgsqlConnection conn, SourceInfo source, IReadOnlyList<StagingColumn> columns, IReportReader reader,
        Store store, string md5, long batchId, UnchangedRows? leaveOut, CancellationToken ct)
    {
        var names = columns.Select(c => Quote(c.Name)).Concat(LineageColumns.Select(Quote));
        var copy = $"copy {Quote(source.StagingTable)} ({string.Join(", ", names)}) from stdin (format binary)";
        var types = columns.Select(c => c.Kind switch
        {
            CellKind.Money => NpgsqlDbType.Numeric,
            CellKind.DateTime => NpgsqlDbType.Timestamp,
            _ => NpgsqlDbType.Text,
        }).ToArray();

        // Parsing (CPU in this process) and COPY (the server) overlap: a reader thread fills batches of rows that the
        // COPY drains; batches, not rows, cross between the threads (a handover per row cost more in waking threads
        // than the rows themselves), and their arrays are reused. Rows are written in COPY's binary format by
        // BinaryCopyWriter, synchronously.
        using var full = new System.Collections.Concurrent.BlockingCollection<RowBatch>(boundedCapacity: 4);
        using var free = new System.Collections.Concurrent.BlockingCollection<RowBatch>();
        for (var i = 0; i < 6; i++) free.Add(new RowBatch(columns.Count));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(() =>
        {
            try
            {
                var batch = free.Take(stop.Token);
                while (reader.Read())
                {
                    batch.Add(reader.Values, reader.RowNumber, reader.ExtraColumnsJson);
                    if (batch.Count < RowBatch.Size) continue;
                    full.Add(batch, stop.Token);
                    batch = free.Take(stop.Token);
                }
                if (batch.Count > 0) full.Add(batch, stop.Token);
            }
            finally
            {
                full.CompleteAdding();
            }
        }, stop.Token);

        try
        {
            return await Task.Run(() =>
            {
                var raw = conn.BeginRawBinaryCopy(copy);
                try
                {
                    var writer = new BinaryCopyWriter(raw);
                    using var hasher = new RowHasher(columns.Select(c => c.InRowHash).ToArray());
                    long read = 0, rows = 0;
                    foreach (var batch in full.GetConsumingEnumerable(stop.Token))
                    {
                        for (var r = 0; r < batch.Count; r++)
                        {
                            var values = batch.Values[r];
                            var hash = hasher.Hash(values, batch.Extras[r]);
                            read++;
                            if (leaveOut is not null && !leaveOut.MustStage(values, hash)) continue;

                            writer.StartRow(types.Length + LineageColumns.Length);
                            for (var i = 0; i < types.Length; i++)
                            {
                                switch (values[i])
                                {
                                    case null: writer.Null(); break;
                                    case string text: writer.Text(text); break;
                                    case decimal amount: writer.Numeric(amount); break;
                                    case DateTime time: writer.Timestamp(time); break;
                                    case var other when types[i] == NpgsqlDbType.Text:
                                        writer.Text(Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture)!);
                                        break;
                                    case var other:
                                        throw new InvalidOperationException($"column {columns[i].Name}: a {other.GetType().Name} where a {types[i]} belongs");
                                }
                            }
                            writer.Text(source.SourceSystem);
                            writer.Text(store.Code);
                            writer.Text(store.CostCenter);
                            writer.Text(md5);
                            writer.Bigint(batchId);
                            writer.Bigint(batch.Numbers[r]);
                            if (batch.Extras[r] is { } extras) writer.Jsonb(extras);
                            else writer.Null();
                            writer.Text(RowHasher.Hex(hash));
                            rows++;
                        }
                        batch.Clear();
                        free.Add(batch, stop.Token);
                    }
                    producer.GetAwaiter().GetResult(); // a parse error ends the COPY uncompleted: rolled back
                    writer.Complete();
                    raw.Dispose(); // ends the COPY
                    return new Counts(read, rows);
                }
                catch
                {
                    raw.Cancel();
                    throw;
                }
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

    // Rows copied out of the reader's reused buffer, handed to the importer together.
    private sealed class RowBatch(int width)
    {
        public const int Size = 1024;
        public readonly object?[][] Values = Enumerable.Range(0, Size).Select(_ => new object?[width]).ToArray();
        public readonly long[] Numbers = new long[Size];
        public readonly string?[] Extras = new string?[Size];

        public int Count { get; private set; }

        public void Add(IReadOnlyList<object?> values, long number, string? extras)
        {
            var row = Values[Count];
            for (var i = 0; i < row.Length; i++) row[i] = values[i];
            Numbers[Count] = number;
            Extras[Count] = extras;
            Count++;
        }

        public void Clear()
        {
            for (var r = 0; r < Count; r++) Array.Clear(Values[r]);
            Array.Clear(Extras, 0, Count);
            Count = 0;
        }
    }

    /// <summary>A SQL identifier in double quotes (staging table and column names come from plugins).</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
