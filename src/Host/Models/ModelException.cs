namespace CrmEtl.Host.Models;

/// <summary>A model or check failed; the message names its file (and the line, when PostgreSQL said where).</summary>
internal sealed class ModelException(string file, string problem, Exception? inner = null)
    : Exception($"{file}: {problem}", inner)
{
    public string File { get; } = file;
}
