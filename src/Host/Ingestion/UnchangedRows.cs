using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using CrmEtl.Abstractions;
using Npgsql;

namespace CrmEtl.Host.Ingestion;

/// <summary>
/// The rows of a file that staging can do without: a row whose <see cref="RowHasher">row hash</see> is the one an
/// order of the store was built from (<c>orders.source_row_hash</c>) would change nothing. A scheduled run downloads
/// the last days again, so most rows are such rows, and a million-row report with 1% changed stages 1% of its rows.
/// <para>
/// The last row of an order in a file wins, so a row whose key came earlier in the file is always staged: the
/// transforms then see every row that could win. What is left out is still counted, for the batch's summary in
/// ingest_audit: the orders it stands for (an order's first row, when no later row of the order is staged) as
/// unchanged, and their days.
/// </para>
/// Only for a parser that marks a key and a date column (<see cref="StagingColumn.IsKey"/>,
/// <see cref="StagingColumn.IsOrderDate"/>). One instance per file; not thread-safe.
/// </summary>
internal sealed class UnchangedRows
{
    private readonly HashSet<UInt128> _built;
    private readonly int _key;
    private readonly int _date;

    // Each key of the file so far (by a 64-bit hash of its text), and whether its only row so far was left out.
    private readonly Dictionary<ulong, bool> _keys;

    public UnchangedRows(HashSet<UInt128> built, int keyColumn, int dateColumn)
    {
        (_built, _key, _date) = (built, keyColumn, dateColumn);
        _keys = new Dictionary<ulong, bool>(built.Count);
    }

    /// <summary>Rows left out of staging.</summary>
    public long Rows { get; private set; }

    /// <summary>The orders the left-out rows stand for, and the days those orders are dated.</summary>
    public MergeCounts Counts { get; private set; }

    /// <summary>Whether a row must be staged; a row that need not is counted here instead.</summary>
    public bool MustStage(object?[] values, UInt128 rowHash)
    {
        ref var leftOut = ref CollectionsMarshal.GetValueRefOrAddDefault(_keys, KeyHash(values[_key]), out var repeated);
        if (repeated)
        {
            // A later row of an order: staged; an order whose first row was left out is now the transforms' to count.
            if (leftOut) Counts = Counts with { Unchanged = Counts.Unchanged - 1 };
            leftOut = false;
            return true;
        }
        if (!_built.Contains(rowHash)) return true;

        leftOut = true;
        Rows++;
        var day = values[_date] is DateTime time ? DateOnly.FromDateTime(time) : (DateOnly?)null;
        Counts += new MergeCounts(0, 0, 1) { FirstOrderDate = day, LastOrderDate = day };
        return false;
    }

    private static ulong KeyHash(object? key) => key switch
    {
        null => 0,
        string text => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(text.AsSpan())),
        _ => KeyHash(Convert.ToString(key, CultureInfo.InvariantCulture) ?? ""),
    };

    /// <summary>
    /// For a parser with a key and a date column: the row hashes the store's orders of this source were built from.
    /// Read in the load's transaction, after it took the store's lock, so no other load of the store changes them
    /// before this one commits. Null for other parsers, and for a store with no orders yet.
    /// </summary>
    public static async Task<UnchangedRows?> LoadAsync(NpgsqlConnection conn, NpgsqlTransaction tx,
        IReadOnlyList<StagingColumn> columns, SourceInfo source, Store store, CancellationToken ct)
    {
        var key = Single(columns, c => c.IsKey);
        var date = Single(columns, c => c.IsOrderDate && c.Kind == CellKind.DateTime);
        if (key < 0 || date < 0) return null;

        // Most of a store's orders: a sequential scan. Statistics taken before a big load would have the planner walk
        // an index for what it thinks are a few rows (a million rows: 1.1 s against 0.6 s). Only for this statement.
        var built = new HashSet<UInt128>();
        await using var batch = new NpgsqlBatch(conn, tx)
        {
            BatchCommands =
            {
                new("set local enable_bitmapscan = off"),
                new("set local enable_indexscan = off"),
                new("select source_row_hash from orders where cost_center = $1 and source_system = $2 and source_row_hash is not null")
                {
                    Parameters = { new() { Value = store.CostCenter }, new() { Value = source.SourceSystem } },
                },
                new("set local enable_bitmapscan to default"),
                new("set local enable_indexscan to default"),
            },
        };
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            do
            {
                while (await reader.ReadAsync(ct))
                    if (RowHasher.TryParseHex(reader.GetString(0), out var hash)) built.Add(hash);
            } while (await reader.NextResultAsync(ct));
        }
        // An empty set (the store's first load) leaves nothing out: no need to track the file's keys either.
        return built.Count == 0 ? null : new UnchangedRows(built, key, date);
    }

    private static int Single(IReadOnlyList<StagingColumn> columns, Func<StagingColumn, bool> test)
    {
        var found = -1;
        for (var i = 0; i < columns.Count; i++)
        {
            if (!test(columns[i])) continue;
            if (found >= 0) return -1;
            found = i;
        }
        return found;
    }
}
