namespace CrmEtl.Abstractions.Api;

/// <summary>What a pull gets from the host.</summary>
/// <param name="Settings">The plugin's section of crm-etl.json (environment overrides applied), as JSON.</param>
/// <param name="Http">An HTTP client that retries 429 (honouring <c>Retry-After</c>), 5xx and network errors.</param>
/// <param name="Options">The pull options given on the command line, by name without dashes.</param>
/// <param name="Full">Whether <c>--full</c> was given (every record, not only those after the cursor).</param>
/// <param name="Log">Progress lines for the operator's log (never secrets).</param>
public sealed record PullContext(
    System.Text.Json.JsonElement Settings,
    HttpClient Http,
    IReadOnlyDictionary<string, string> Options,
    bool Full,
    Action<string> Log);
