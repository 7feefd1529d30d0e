namespace CrmEtl.Host.Ingestion;

/// <summary>A transform SQL file failed; the message names the file and, where PostgreSQL says, the line.</summary>
internal sealed class TransformException(string file, string problem)
    : Exception($"transform {file} failed: {problem}")
{
    public string File { get; } = file;
}
