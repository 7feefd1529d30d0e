namespace CrmEtl.Abstractions;

/// <summary>How a cell is read and how its staging column is typed.</summary>
public enum CellKind
{
    /// <summary>Trimmed text (<c>text</c>); numbers become invariant text, blank becomes null.</summary>
    Text,

    /// <summary>An amount (<c>numeric</c>): number, or text with separators or currency; blank is 0 (the portals' way).</summary>
    Money,

    /// <summary>A number (<c>numeric</c>): number, or text with separators or currency; blank is null.</summary>
    Number,

    /// <summary>An IST wall-clock time (<c>timestamp</c>): a date cell or day-first text; blank is null.</summary>
    DateTime,

    /// <summary>An instant (<c>timestamptz</c>): ISO 8601 with Z, an offset, or no zone (read as UTC); blank is null.</summary>
    Instant,

    /// <summary>A yes/no (<c>boolean</c>): true/false, 1/0, yes/no in any case; blank is false.</summary>
    Boolean,

    /// <summary>A JSON document (<c>jsonb</c>), given as its text.</summary>
    Json,

    /// <summary>Free text as written (<c>text</c>): line breaks and inner spacing kept, only its ends trimmed; blank is null.</summary>
    FreeText,
}
