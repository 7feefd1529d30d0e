namespace CrmEtl.Abstractions.Portals;

/// <summary>A portal step failed. <see cref="Step"/> names it (login, open report, export, download).</summary>
public sealed class PortalException(PortalFailure kind, string step, string message, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>What kind of failure.</summary>
    public PortalFailure Kind { get; } = kind;

    /// <summary>The step that failed.</summary>
    public string Step { get; } = step;

    /// <summary>The ledger's word for the kind: session_expired, blocked, portal_unavailable, login_failed, portal_changed.</summary>
    public string KindName => Kind switch
    {
        PortalFailure.SessionExpired => "session_expired",
        PortalFailure.Blocked => "blocked",
        PortalFailure.Unavailable => "portal_unavailable",
        PortalFailure.LoginFailed => "login_failed",
        _ => "portal_changed",
    };
}
