using Npgsql;

namespace CrmEtl.Host.Downloads;

/// <summary>
/// A PostgreSQL advisory lock per crm+store, held on its own connection while the store is downloaded and
/// ingested: a second run (on this host or another one using the same database) skips the store.
/// </summary>
internal sealed class StoreLock : IAsyncDisposable
{
    private const string Key = "hashtextextended($1, 0)";
    private readonly NpgsqlConnection _conn;
    private readonly string _name;

    private StoreLock(NpgsqlConnection conn, string name) => (_conn, _name) = (conn, name);

    public static async Task<StoreLock?> TryAcquireAsync(string connectionString, string crm, string store, CancellationToken ct)
    {
        var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        var name = $"store:{crm}:{store}";
        await using var cmd = new NpgsqlCommand($"select pg_try_advisory_lock({Key})", conn);
        cmd.Parameters.AddWithValue(name);
        if ((bool)(await cmd.ExecuteScalarAsync(ct))!) return new StoreLock(conn, name);
        await conn.DisposeAsync();
        return null;
    }

    // Released explicitly: a pooled connection goes back to the pool with its session, and so with the lock,
    // still open (the next run in this process then found the store busy). If the process dies, its sessions
    // end and release their locks.
    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var cmd = new NpgsqlCommand($"select pg_advisory_unlock({Key})", _conn);
            cmd.Parameters.AddWithValue(_name);
            await cmd.ExecuteScalarAsync();
        }
        catch (NpgsqlException)
        {
            // the connection is broken: its session, and the lock with it, is gone
        }
        finally
        {
            await _conn.DisposeAsync();
        }
    }
}
