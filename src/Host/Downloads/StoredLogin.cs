using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CrmEtl.Abstractions.Portals;

namespace CrmEtl.Host.Downloads;

/// <summary>
/// A store's login kept outside the repository, so that an expired session can be renewed without a person when the
/// portal trusts the device (no OTP): a file beside the session (<c>profiles/td_a668.login.json</c>,
/// <c>{"user": ..., "password": ..., "pin": ...}</c>, mode 0600, refused otherwise), or the environment
/// (<c>CRMETL_LOGIN_TD_A668_USER</c>, <c>_PASSWORD</c>, <c>_PIN</c>). A login the portal refused is remembered (a hash
/// of it, beside the file) and not tried again until it changes: portals lock accounts that keep failing.
/// </summary>
internal sealed class StoredLogin
{
    private readonly string _user;
    private readonly string _password;
    private readonly string? _pin;
    private readonly string _refusedMarker;

    private StoredLogin(string user, string password, string? pin, string source, string refusedMarker) =>
        (_user, _password, _pin, Source, _refusedMarker) = (user, password, pin, source, refusedMarker);

    /// <summary>Where it came from (a path or the variables' prefix), for the log; never the values.</summary>
    public string Source { get; }

    /// <summary>The store's login, or null when none is kept. A file others may read is an error naming it.</summary>
    public static StoredLogin? Find(string path, string crm, string storeId)
    {
        var prefix = $"CRMETL_LOGIN_{Variable(crm)}_{Variable(storeId)}_";
        var marker = Path.ChangeExtension(path, ".refused");
        if (Environment.GetEnvironmentVariable(prefix + "USER") is { Length: > 0 } user &&
            Environment.GetEnvironmentVariable(prefix + "PASSWORD") is { Length: > 0 } password)
            return new StoredLogin(user, password, Environment.GetEnvironmentVariable(prefix + "PIN"), prefix + "*", marker);
        if (!File.Exists(path)) return null;
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            throw new PortalException(PortalFailure.LoginFailed, "stored login", $"{path} may be read by other users: chmod 600 it (it holds a password)");
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            string? Field(string name) => json.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return Field("user") is { Length: > 0 } u && Field("password") is { Length: > 0 } p
                ? new StoredLogin(u, p, Field("pin"), path, marker)
                : throw new PortalException(PortalFailure.LoginFailed, "stored login", $"{path} lacks \"user\" or \"password\"");
        }
        catch (JsonException e)
        {
            throw new PortalException(PortalFailure.LoginFailed, "stored login", $"{path} is not JSON ({e.Message})");
        }
    }

    /// <summary>Whether the portal refused exactly this login before.</summary>
    public bool RefusedBefore => File.Exists(_refusedMarker) && File.ReadAllText(_refusedMarker).Trim() == Fingerprint();

    /// <summary>Remembers that the portal refused this login.</summary>
    public void MarkRefused() => File.WriteAllText(_refusedMarker, Fingerprint() + "\n");

    /// <summary>Forgets a refusal (the login worked).</summary>
    public void ClearRefused() => File.Delete(_refusedMarker);

    /// <summary>The credentials for a scripted login; an OTP page ends it: a person must log in on a new device.</summary>
    public PortalCredentials Credentials() => new(_user, _password, _pin, _ =>
        throw new PortalException(PortalFailure.SessionExpired, "login",
            "the portal asks for an OTP (it no longer trusts this device), so it cannot log in by itself"));

    private string Fingerprint() =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{_user}\0{_password}\0{_pin}")));

    private static string Variable(string text) => new(text.ToUpperInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
}
