using System.Collections.Concurrent;
using CrmEtl.Abstractions;
using Npgsql;

namespace CrmEtl.Host.Ingestion;

/// <summary>
/// Streams rows into a dataset's staging table with binary COPY, tagging each with its lineage and its
/// <see cref="RowHasher">row hash</see>, and leaving out the rows <see cref="UnchangedRows"/> says are loaded already.
/// </summary>
internal static class StagingLoader
{
    /// <summary>Rows produced, and of them the rows staged.</summary>
    public readonly record struct Counts(long Read, long Staged);

    /// <summary>What the host writes into every staged row besides the reader's values.</summary>
    public sealed record Lineage(string SourceSystem, string? StoreCode, string? CostCenter, string? FileMd5, long BatchId);

    private static readonly string[] LineageColumns =
        ["source_system", "store_code", "cost_center", "file_md5", "load_batch_id", "source_sheet", "source_row_number", "extra_columns", "row_hash"];

    /// <summary>
    /// Copies what <paramref name="produce"/> adds to its <see cref="RowChannel"/> into <paramref name="table"/>.
    /// Producing (parsing, in this process) and the COPY (the server) overlap: the producer fills batches of rows that
    /// the COPY drains on another thread; batches, not rows, cross between the threads (a handover per row cost more
    /// in waking threads than the rows themselves), and their arrays are reused.
    /// </summary>
    public static async Task<Counts> CopyAsync(
        NpgsqlConnection conn, string table, IReadOnlyList<StagingColumn> columns, Lineage lineage,
        Func<RowChannel, CancellationToken, Task> produce, UnchangedRows? leaveOut, string fileName, CancellationToken ct)
    {
        var names = columns.Select(c => Quote(c.Name)).Concat(LineageColumns.Select(Quote));
        var copy = $"copy {Quote(table)} ({string.Join(", ", names)}) from stdin (format binary)";

        using var full = new BlockingCollection<RowBatch>(boundedCapacity: 4);
        using var free = new BlockingCollection<RowBatch>();
        for (var i = 0; i < 6; i++) free.Add(new RowBatch(columns.Count));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(async () =>
        {
            var channel = new RowChannel(full, free, stop.Token);
            try
            {
                await produce(channel, stop.Token);
                channel.Flush();
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
                var written = new WrittenRows();
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

                            writer.StartRow(columns.Count + LineageColumns.Length);
                            for (var i = 0; i < columns.Count; i++) Write(writer, columns[i], values[i], fileName, batch.Numbers[r]);
                            writer.Text(lineage.SourceSystem);
                            OptionalText(writer, lineage.StoreCode);
                            OptionalText(writer, lineage.CostCenter);
                            OptionalText(writer, lineage.FileMd5);
                            writer.Bigint(lineage.BatchId);
                            OptionalText(writer, batch.Sheets[r]);
                            writer.Bigint(batch.Numbers[r]);
                            if (batch.Extras[r] is { } extras) writer.Jsonb(extras);
                            else writer.Null();
                            writer.Text(RowHasher.Hex(hash));
                            rows++;
                            written.Add(batch.Numbers[r]);
                        }
                        batch.Clear();
                        free.Add(batch, stop.Token);
                    }
                    producer.GetAwaiter().GetResult(); // a reader's error ends the COPY uncompleted: rolled back
                    writer.Complete();
                    raw.Dispose(); // ends the COPY
                    return new Counts(read, rows);
                }
                catch (PostgresException e) when (e.SqlState != PostgresErrorCodes.QueryCanceled && !Database.Outage.Is(e))
                {
                    // The server refused a row: said with the file's row, not as a COPY that ended.
                    Cancel(raw);
                    throw new ReportFormatException(fileName, written.RowOf(e.Where), null, $"the database refused the row: {e.MessageText}", e);
                }
                catch
                {
                    Cancel(raw);
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

    private static void Write(BinaryCopyWriter writer, StagingColumn column, object? value, string fileName, long row)
    {
        switch (value)
        {
            case null:
                writer.Null();
                break;
            case string text when column.Kind == CellKind.Json:
                writer.Jsonb(text);
                break;
            case string text:
                // PostgreSQL's text cannot hold NUL; said here, with its row and column, not as a COPY that ended.
                if (text.Contains('\0'))
                    throw new ReportFormatException(fileName, row, column.Name, "contains a NUL character (\\0), which no text column can hold");
                writer.Text(text);
                break;
            case decimal amount:
                writer.Numeric(amount);
                break;
            case DateTime time:
                writer.Timestamp(time);
                break;
            case DateTimeOffset instant:
                writer.Timestamptz(instant);
                break;
            case bool flag:
                writer.Boolean(flag);
                break;
            case var other when column.Kind is CellKind.Text or CellKind.FreeText:
                writer.Text(Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture)!);
                break;
            case var other:
                throw new InvalidOperationException($"column {column.Name}: a {other.GetType().Name} where a {column.Kind} value belongs");
        }
    }

    // Ends a COPY that failed; one the server ended already says so, which must not hide why it ended.
    private static void Cancel(NpgsqlRawCopyStream raw)
    {
        try
        {
            raw.Cancel();
        }
        catch (Exception e) when (e is ObjectDisposedException or NpgsqlException or IOException)
        {
        }
    }

    /// <summary>The file rows of the COPY's last lines, so that an error at "COPY t, line N" names the file's row.</summary>
    private sealed class WrittenRows
    {
        private const int Kept = 1 << 16;
        private readonly long[] _rows = new long[Kept];
        private long _lines;

        public void Add(long row)
        {
            _rows[_lines % Kept] = row;
            _lines++;
        }

        public long? RowOf(string? where)
        {
            var match = where is null ? null : System.Text.RegularExpressions.Regex.Match(where, @"line (\d+)");
            if (match is not { Success: true } || !long.TryParse(match.Groups[1].Value, out var line)) return null;
            return line >= 1 && line <= _lines && _lines - line < Kept ? _rows[(line - 1) % Kept] : null;
        }
    }

    private static void OptionalText(BinaryCopyWriter writer, string? value)
    {
        if (value is null) writer.Null();
        else writer.Text(value);
    }

    /// <summary>Where a producer adds rows: copied into pooled batches that the COPY thread drains.</summary>
    public sealed class RowChannel(BlockingCollection<RowBatch> full, BlockingCollection<RowBatch> free, CancellationToken ct)
    {
        private RowBatch? _batch;

        public long Count { get; private set; }

        public void Add(IReadOnlyList<object?> values, long row, string? sheet, string? extrasJson)
        {
            _batch ??= free.Take(ct);
            _batch.Add(values, row, sheet, extrasJson);
            Count++;
            if (_batch.Count < RowBatch.Size) return;
            full.Add(_batch, ct);
            _batch = null;
        }

        public void Flush()
        {
            if (_batch is { Count: > 0 }) full.Add(_batch, ct);
            _batch = null;
        }
    }

    // Rows copied out of a reader's reused buffer, handed to the COPY together.
    public sealed class RowBatch(int width)
    {
        public const int Size = 1024;
        public readonly object?[][] Values = Enumerable.Range(0, Size).Select(_ => new object?[width]).ToArray();
        public readonly long[] Numbers = new long[Size];
        public readonly string?[] Sheets = new string?[Size];
        public readonly string?[] Extras = new string?[Size];

        public int Count { get; private set; }

        public void Add(IReadOnlyList<object?> values, long number, string? sheet, string? extras)
        {
            var row = Values[Count];
            for (var i = 0; i < row.Length; i++) row[i] = values[i];
            Numbers[Count] = number;
            Sheets[Count] = sheet;
            Extras[Count] = extras;
            Count++;
        }

        public void Clear()
        {
            for (var r = 0; r < Count; r++) Array.Clear(Values[r]);
            Array.Clear(Extras, 0, Count);
            Array.Clear(Sheets, 0, Count);
            Count = 0;
        }
    }

    /// <summary>A SQL identifier in double quotes (table and column names come from plugins and models).</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
