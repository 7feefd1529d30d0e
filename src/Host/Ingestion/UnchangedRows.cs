using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using CrmEtl.Abstractions;
using CrmEtl.Host.Models;
using Npgsql;

namespace CrmEtl.Host.Ingestion;

/// <summary>
/// The rows of a file that staging can do without: a row whose <see cref="RowHasher">row hash</see> is the one a row
/// of the dataset's first merge target was built from (its <c>source_row_hash</c>, written by an earlier run of the
/// same dataset and store) would change nothing. A scheduled run downloads the last days again, so most rows are
/// such rows, and a million-row report with 1% changed stages 1% of its rows.
/// <para>
/// The last row of a key in a file wins, so a row whose key came earlier in the file is always staged: the models
/// then see every row that could win. What is left out is still counted, for the run's record: the rows it stands
/// for (a key's first row, when no later row of the key is staged) as unchanged in that target, and their days.
/// </para>
/// Only for a dataset whose rows have a key (<see cref="StagingColumn.IsKey"/>). One instance per file; not thread-safe.
/// </summary>
internal sealed class UnchangedRows
{
    private readonly HashSet<UInt128> _built;
    private readonly int[] _keys;
    private readonly int _date;

    // Each key of the file so far (by a 64-bit hash of its text), and whether its only row so far was left out.
    private readonly Dictionary<ulong, bool> _seen;

    public UnchangedRows(HashSet<UInt128> built, int[] keyColumns, int dateColumn, string target)
    {
        (_built, _keys, _date, Target) = (built, keyColumns, dateColumn, target);
        _seen = new Dictionary<ulong, bool>(built.Count);
    }

    /// <summary>The row hashes of the rows left out, when asked for (models that read <c>batch_left_out</c>).</summary>
    public List<UInt128>? LeftOutHashes { get; init; }

    /// <summary>The table whose rows were built from the rows left out.</summary>
    public string Target { get; }

    /// <summary>Rows left out of staging.</summary>
    public long Rows { get; private set; }

    /// <summary>The target rows the left-out rows stand for (unchanged).</summary>
    public long Unchanged { get; private set; }

    /// <summary>The days of the left-out rows (when the dataset has a date column).</summary>
    public DateOnly? FirstDay { get; private set; }

    public DateOnly? LastDay { get; private set; }

    /// <summary>Whether a row must be staged; a row that need not is counted here instead.</summary>
    public bool MustStage(object?[] values, UInt128 rowHash)
    {
        ref var leftOut = ref CollectionsMarshal.GetValueRefOrAddDefault(_seen, KeyHash(values), out var repeated);
        if (repeated)
        {
            // A later row of a key: staged; a key whose first row was left out is now the models' to count.
            if (leftOut) Unchanged--;
            leftOut = false;
            return true;
        }
        if (!_built.Contains(rowHash)) return true;

        leftOut = true;
        LeftOutHashes?.Add(rowHash);
        Rows++;
        Unchanged++;
        if (_date >= 0 && values[_date] is DateTime time)
        {
            var day = DateOnly.FromDateTime(time);
            if (FirstDay is null || day < FirstDay) FirstDay = day;
            if (LastDay is null || day > LastDay) LastDay = day;
        }
        return false;
    }

    private ulong KeyHash(object?[] values)
    {
        if (_keys.Length == 1) return TextHash(values[_keys[0]]);
        var hash = 17UL;
        foreach (var k in _keys) hash = hash * 31 + TextHash(values[k]);
        return hash;
    }

    private static ulong TextHash(object? key) => key switch
    {
        null => 0,
        string text => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(text.AsSpan())),
        _ => TextHash(Convert.ToString(key, CultureInfo.InvariantCulture) ?? ""),
    };

    /// <summary>
    /// For a dataset with key columns whose first merge target keeps lineage (<c>source_row_hash</c>, <c>load_batch_id</c>):
    /// the row hashes its rows of this dataset and store were built from; <paramref name="keepHashes"/>: remember the hashes
    /// of the rows left out (for <c>batch_left_out</c>). Read in the load's transaction, after it took
    /// the store's lock, so no other load of the store changes them before this one commits. Null when not applicable,
    /// and for a dataset and store with nothing loaded yet.
    /// </summary>
    public static async Task<UnchangedRows?> LoadAsync(NpgsqlConnection conn, NpgsqlTransaction tx, ModelSet set, Store? store, bool keepHashes, CancellationToken ct)
    {
        var columns = set.Dataset.Columns;
        var keys = Enumerable.Range(0, columns.Count).Where(i => columns[i].IsKey).ToArray();
        if (keys.Length == 0) return null;
        var date = Enumerable.Range(0, columns.Count).FirstOrDefault(i => columns[i].IsDate && columns[i].Kind == CellKind.DateTime, -1);
        if (set.Models.FirstOrDefault(m => m.Kind == Materialize.Merge) is not { } primary) return null;
        var target = await Materializer.TableColumns(conn, tx, primary.Target!, primary.File, ct);
        if (!target.ContainsKey("source_row_hash") || !target.ContainsKey("load_batch_id")) return null;

        // Most of a store's rows: a sequential scan. Statistics taken before a big load would have the planner walk an
        // index for what it thinks are a few rows. Only for this statement.
        var built = new HashSet<UInt128>();
        await using var batch = new NpgsqlBatch(conn, tx)
        {
            BatchCommands =
            {
                new("set local enable_bitmapscan = off"),
                new("set local enable_indexscan = off"),
                new($"""
                    select t.source_row_hash
                    from {StagingLoader.Quote(primary.Target!)} t
                    join ingest_audit a on a.load_batch_id = t.load_batch_id
                    where a.crm = $1 and a.dataset = $2 and a.store_code is not distinct from $3 and a.status = 'succeeded'
                      and t.source_row_hash is not null
                    """)
                {
                    Parameters = { Sql.Parameter(set.Plugin.Info.Crm), Sql.Parameter(set.Dataset.Name), Sql.Parameter(store?.Code) },
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
        return built.Count == 0 ? null : new UnchangedRows(built, keys, date, primary.Target!) { LeftOutHashes = keepHashes ? [] : null };
    }
}
