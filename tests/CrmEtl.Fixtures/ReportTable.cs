namespace CrmEtl.Fixtures;

/// <summary>
/// A report as the portal would export it: header row, data rows, footer rows. Builders fill it;
/// tests bend it (rename a header, add a column, break a cell) before writing it out.
/// </summary>
public sealed class ReportTable
{
    public ReportTable(IEnumerable<string> headers) => Headers = headers.ToList();

    public List<string> Headers { get; }

    public List<object?[]> Rows { get; } = [];

    public List<object?[]> Footer { get; } = [];

    public int IndexOf(string header) => Headers.IndexOf(header) is >= 0 and var i
        ? i
        : throw new ArgumentException($"no column '{header}'");

    public ReportTable RenameHeader(string from, string to)
    {
        Headers[IndexOf(from)] = to;
        return this;
    }

    public ReportTable RemoveColumn(string header)
    {
        var i = IndexOf(header);
        Headers.RemoveAt(i);
        foreach (var row in Rows.Concat(Footer)) Remove(row, i);
        return this;
    }

    /// <summary>Inserts a column the contract does not know (portals add columns over time).</summary>
    public ReportTable InsertColumn(int position, string header, Func<int, object?> value)
    {
        Headers.Insert(position, header);
        for (var r = 0; r < Rows.Count; r++) Rows[r] = Insert(Rows[r], position, value(r));
        for (var r = 0; r < Footer.Count; r++) Footer[r] = Insert(Footer[r], position, null);
        return this;
    }

    public void Write(string path, bool sharedStrings = false)
    {
        using var writer = new XlsxWriter(path, sharedStrings: sharedStrings);
        writer.WriteRow(Headers);
        foreach (var row in Rows) writer.WriteRow(row);
        foreach (var row in Footer) writer.WriteRow(row);
    }

    /// <summary>The same table as CSV (what the manual template uses).</summary>
    public void WriteCsv(string path)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine(string.Join(',', Headers.Select(Csv)));
        foreach (var row in Rows.Concat(Footer)) writer.WriteLine(string.Join(',', row.Select(Csv)));
    }

    public object?[] NewRow() => new object?[Headers.Count];

    private static string Csv(object? value)
    {
        var s = value switch
        {
            null => "",
            DateTime d => d.ToString("dd/MM/yyyy HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return s.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
    }

    private static object?[] Insert(object?[] row, int position, object? value)
    {
        var list = row.ToList();
        while (list.Count < position) list.Add(null);
        list.Insert(position, value);
        return list.ToArray();
    }

    private static void Remove(object?[] row, int i)
    {
        if (i >= row.Length) return;
        Array.Copy(row, i + 1, row, i, row.Length - i - 1);
        row[^1] = null;
    }
}
