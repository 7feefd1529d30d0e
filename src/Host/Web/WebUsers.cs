using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace CrmEtl.Host.Web;

/// <summary>A user of the web page and the API: role, and the ERP instances granted (null = all).</summary>
internal sealed record WebUser(string Name, string Role, string[]? Instances, DateTimeOffset UpdatedAt)
{
    public static readonly string[] Roles = ["viewer", "editor", "admin"];

    public bool IsAdmin => Role == "admin";

    public bool CanEdit => Role is "editor" or "admin";

    /// <summary>An admin sees every instance; the others those granted to them.</summary>
    public bool MaySee(string instance) =>
        IsAdmin || Instances is null || Instances.Contains(instance, StringComparer.OrdinalIgnoreCase);

    public string InstancesText => Instances is null ? "all" : Instances.Length == 0 ? "none" : string.Join(",", Instances);
}

/// <summary>
/// The users in <c>web_users</c> and their tokens in <c>web_tokens</c>. Passwords and token secrets are kept as ASP.NET
/// Core Identity hashes (PBKDF2-HMAC-SHA512, 100,000 iterations, salted): checking one costs tens of milliseconds,
/// so a token checked once is remembered for the process (keyed by its SHA-256 and its stored hash).
/// </summary>
internal static class WebUsers
{
    private static readonly PasswordHasher<string> Hasher = new();
    private static readonly ConcurrentDictionary<string, bool> CheckedTokens = new();

    public static string HashSecret(string secret) => Hasher.HashPassword("", secret);

    public static bool Verify(string hash, string secret)
    {
        try
        {
            return Hasher.VerifyHashedPassword("", hash, secret) != PasswordVerificationResult.Failed;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static async Task AddAsync(NpgsqlDataSource db, string name, string role, string[]? instances, string password, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            insert into web_users (name, role, instances, password_hash) values ($1, $2, $3, $4)
            on conflict (name) do update set role = excluded.role, instances = excluded.instances,
                password_hash = excluded.password_hash, updated_at = now()
            """);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(role);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)instances ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue(HashSecret(password));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<bool> RemoveAsync(NpgsqlDataSource db, string name, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("delete from web_users where name = $1");
        cmd.Parameters.AddWithValue(name);
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }

    public static async Task<List<(WebUser User, bool HasToken, DateTimeOffset Created)>> ListAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select u.name, u.role, u.instances, u.updated_at, t.token_id is not null, u.created_at
            from web_users u left join web_tokens t on t.user_name = u.name order by u.name
            """);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var users = new List<(WebUser, bool, DateTimeOffset)>();
        while (await reader.ReadAsync(ct)) users.Add((Read(reader), reader.GetBoolean(4), reader.GetFieldValue<DateTimeOffset>(5)));
        return users;
    }

    /// <summary>A new token for the user (the previous one stops working), or null when there is no such user.</summary>
    public static async Task<string?> NewTokenAsync(NpgsqlDataSource db, string name, CancellationToken ct)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = RandomSecret(32);
        await using var cmd = db.CreateCommand("""
            insert into web_tokens (token_id, user_name, secret_hash)
            select $1, name, $3 from web_users where name = $2
            on conflict (user_name) do update set token_id = excluded.token_id, secret_hash = excluded.secret_hash, created_at = now()
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(HashSecret(secret));
        return await cmd.ExecuteNonQueryAsync(ct) == 0 ? null : $"crm_{id}.{secret}";
    }

    /// <summary>The user whose name and password these are, or null.</summary>
    public static async Task<WebUser?> CheckPasswordAsync(NpgsqlDataSource db, string name, string password, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select name, role, instances, updated_at, password_hash from web_users where name = $1");
        cmd.Parameters.AddWithValue(name);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            Verify(DummyHash, password); // as long as for a user that exists, so the time does not tell which names do
            return null;
        }
        return Verify(reader.GetString(4), password) ? Read(reader) : null;
    }

    private static readonly string DummyHash = HashSecret(Guid.NewGuid().ToString());

    /// <summary>The user of an API token (<c>crm_&lt;id&gt;.&lt;secret&gt;</c>), or null.</summary>
    public static async Task<WebUser?> CheckTokenAsync(NpgsqlDataSource db, string token, CancellationToken ct)
    {
        var dot = token.IndexOf('.');
        if (!token.StartsWith("crm_", StringComparison.Ordinal) || dot < 5) return null;
        await using var cmd = db.CreateCommand("""
            select u.name, u.role, u.instances, u.updated_at, t.secret_hash
            from web_tokens t join web_users u on u.name = t.user_name where t.token_id = $1
            """);
        cmd.Parameters.AddWithValue(token[4..dot]);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var hash = reader.GetString(4);
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token))) + "|" + hash;
        if (!CheckedTokens.TryGetValue(key, out var ok)) CheckedTokens[key] = ok = Verify(hash, token[(dot + 1)..]);
        return ok ? Read(reader) : null;
    }

    /// <summary>The user as the database has it now (a cookie's claims may be older than a change of role).</summary>
    public static async Task<WebUser?> FindAsync(NpgsqlDataSource db, string name, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select name, role, instances, updated_at from web_users where name = $1");
        cmd.Parameters.AddWithValue(name);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    private static WebUser Read(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetFieldValue<string[]>(2), r.GetFieldValue<DateTimeOffset>(3));

    /// <summary>A random secret of that many bytes, as URL-safe text (tokens, the server role's and the demo's passwords).</summary>
    public static string RandomSecret(int bytes) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
