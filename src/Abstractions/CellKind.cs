namespace CrmEtl.Abstractions;

/// <summary>How a report cell is read and how its staging column is typed.</summary>
public enum CellKind
{
    /// <summary>Trimmed text (<c>text</c>); numbers become invariant text, blank becomes null.</summary>
    Text,

    /// <summary>An amount (<c>numeric</c>): number, or text with separators or currency; blank is 0.</summary>
    Money,

    /// <summary>An IST wall-clock time (<c>timestamp</c>): a date cell or day-first text; blank is null.</summary>
    DateTime,
}
