namespace CrmEtl.Abstractions.Commands;

/// <summary>What a plugin's verb gets from the host.</summary>
/// <param name="ConnectionString">The warehouse, migrated (Npgsql).</param>
/// <param name="Options">Options given, by name without dashes; a flag's value is "true"; a repeated option's values in order.</param>
/// <param name="Arguments">Positional arguments, in order.</param>
/// <param name="Settings">The plugin's section of crm-etl.json, as JSON.</param>
/// <param name="Out">Standard output (results; JSON when asked).</param>
/// <param name="Log">Progress lines for the operator's log (standard error and the log file).</param>
/// <param name="Http">An HTTP client that retries 429 and 5xx (for verbs that write back to an API).</param>
public sealed record PluginCommandContext(
    string ConnectionString,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Options,
    IReadOnlyList<string> Arguments,
    System.Text.Json.JsonElement Settings,
    TextWriter Out,
    Action<string> Log,
    HttpClient Http)
{
    /// <summary>The option's (last) value, or null when not given.</summary>
    public string? Option(string name) => Options.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;

    /// <summary>Whether a flag was given.</summary>
    public bool Flag(string name) => Options.ContainsKey(name);
}
