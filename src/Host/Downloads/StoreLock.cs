using Npgsql;

namespace CrmEtl.Host.Downloads;

/// <summary>
/// A PostgreSQL advisory lock per crm+store, held on its own connection while the store is downloaded and
/// ingested: a second run (on this host or another one using the same database) skips the store.
/// </summary>
internal sealed class StoreLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _conn;

    private StoreLock(NpgsqlConnection conn) => _conn = conn;

    public static async Task<StoreLock?> TryAcquireAsync(string connectionString, string crm, string store, CancellationToken ct)
    {
        var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("select pg_try_advisory_lock(hashtextextended($1, 0))", conn);
        cmd.Parameters.AddWithValue($"store:{crm}:{store}");
        if ((bool)(await cmd.ExecuteScalarAsync(ct))!) return new StoreLock(conn);
        await conn.DisposeAsync();
        return null;
    }

    // Closing the session releases the lock, also when the process dies.
    public ValueTask DisposeAsync() => _conn.DisposeAsync();
}
