namespace CrmEtl.Abstractions.Portals;

/// <summary>Why a portal step failed; each is a distinct status in the ledger and the output.</summary>
public enum PortalFailure
{
    /// <summary>The saved session is missing or expired: a person must run bootstrap again.</summary>
    SessionExpired,

    /// <summary>A popup or dialog could not be closed (retryable later).</summary>
    Blocked,

    /// <summary>5xx, timeouts, error pages: retried with backoff, then reported.</summary>
    Unavailable,

    /// <summary>The page is not what the flow expects (a selector is gone).</summary>
    Changed,

    /// <summary>The portal refused a stored login (a wrong or changed password): never retried until it changes.</summary>
    LoginFailed,
}
