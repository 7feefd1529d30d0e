namespace CrmEtl.Abstractions.Api;

/// <summary>An API refused or failed a request; the message names the scope and what the API said (never a secret).</summary>
public sealed class ApiException(string message, int? status = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The HTTP status, when there was one (401: the credentials are wrong).</summary>
    public int? Status { get; } = status;
}
