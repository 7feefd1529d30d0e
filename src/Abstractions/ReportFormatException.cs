namespace CrmEtl.Abstractions;

/// <summary>A report file that does not match its contract. The message names file, row and column.</summary>
public sealed class ReportFormatException : Exception
{
    /// <summary>Creates the error; <paramref name="row"/> is 1-based, <paramref name="column"/> a header text.</summary>
    public ReportFormatException(string file, long? row, string? column, string problem, Exception? inner = null)
        : base(Describe(file, row, column, problem), inner)
    {
        File = file;
        Row = row;
        Column = column;
    }

    /// <summary>File name.</summary>
    public string File { get; }

    /// <summary>1-based sheet row, when known.</summary>
    public long? Row { get; }

    /// <summary>Column header, when known.</summary>
    public string? Column { get; }

    private static string Describe(string file, long? row, string? column, string problem)
    {
        var where = file;
        if (row is not null) where += $", row {row}";
        if (column is not null) where += $", column '{column}'";
        return $"{where}: {problem}";
    }
}
