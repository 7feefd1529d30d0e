using Npgsql;

namespace CrmEtl.Host.Web;

/// <summary>
/// The role the server reads through: SELECT on the warehouse, and writes only to the leads people work
/// (<c>leads</c>, <c>lead_status_history</c>). One role per database (crmetl_web_&lt;database&gt;), its password new at
/// every start and kept in memory only; grants made again at every start so tables of later migrations are covered.
/// </summary>
internal static class WebDatabaseRole
{
    private static readonly string[] WritableTables = ["leads", "lead_status_history"];

    public static async Task<string> EnsureAsync(string ownerConnectionString, CancellationToken ct)
    {
        var owner = new NpgsqlConnectionStringBuilder(ownerConnectionString);
        await using var conn = new NpgsqlConnection(ownerConnectionString);
        await conn.OpenAsync(ct);
        var database = conn.Database;
        var role = ("crmetl_web_" + new string(database.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_').ToArray()))[..Math.Min(63, 11 + database.Length)];
        var password = WebUsers.RandomSecret(24);

        // format() quotes the names and the password on the server: DDL takes no parameters.
        await using (var cmd = new NpgsqlCommand("""
            select format(case when exists (select 1 from pg_roles where rolname = $1)
                               then 'alter role %I with login nosuperuser nocreatedb nocreaterole noinherit password %L'
                               else 'create role %I with login nosuperuser nocreatedb nocreaterole noinherit password %L' end, $1::text, $2::text)
                   || '; ' || format('grant connect on database %I to %I', $3::text, $1::text)
                   || '; ' || format('grant usage on schema public to %I', $1::text)
                   || '; ' || format('revoke all on all tables in schema public from %I', $1::text)
                   || '; ' || format('grant select on all tables in schema public to %I', $1::text)
                   || coalesce((select string_agg(format('; grant insert, update on %I to %I', t, $1::text), '')
                                from unnest($4::text[]) t where to_regclass(t) is not null), '')
                   || '; ' || format('grant usage on all sequences in schema public to %I', $1::text)
            """, conn))
        {
            cmd.Parameters.AddWithValue(role);
            cmd.Parameters.AddWithValue(password);
            cmd.Parameters.AddWithValue(database);
            cmd.Parameters.AddWithValue(WritableTables);
            var sql = (string)(await cmd.ExecuteScalarAsync(ct))!;
            await using var grant = new NpgsqlCommand(sql, conn);
            await grant.ExecuteNonQueryAsync(ct);
        }
        return new NpgsqlConnectionStringBuilder(ownerConnectionString)
        {
            Username = role, Password = password, ApplicationName = "crm-etl serve", Passfile = null,
            MaxPoolSize = Math.Max(20, owner.MaxPoolSize / 2),
        }.ConnectionString;
    }
}
