using System.Security.Cryptography;
using Npgsql;

namespace CrmEtl.Host.Ingestion;

internal static class FileHash
{
    /// <summary>The file's md5 as 32 lower-case hex digits (the ledger's file identity).</summary>
    public static async Task<string> Md5Async(string path, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        return Convert.ToHexString(await MD5.HashDataAsync(stream, ct)).ToLowerInvariant();
    }

    /// <summary>
    /// The file's md5, from file_hashes when the file at this path still has the size and modification time it
    /// had when hashed; otherwise computed and, when <paramref name="remember"/>, stored there. Entries not
    /// refreshed for 180 days are dropped as new ones come.
    /// </summary>
    public static async Task<string> Md5Async(NpgsqlConnection conn, string path, bool remember, CancellationToken ct)
    {
        var file = new FileInfo(Path.GetFullPath(path));
        var (size, ticks) = (file.Length, file.LastWriteTimeUtc.Ticks);
        await using (var known = new NpgsqlCommand(
                         "select md5_hash from file_hashes where path = $1 and size_bytes = $2 and modified_ticks = $3", conn))
        {
            known.Parameters.AddWithValue(file.FullName);
            known.Parameters.AddWithValue(size);
            known.Parameters.AddWithValue(ticks);
            if (await known.ExecuteScalarAsync(ct) is string md5) return md5;
        }

        var hashed = await Md5Async(file.FullName, ct);
        file.Refresh();
        if (!remember || file.Length != size || file.LastWriteTimeUtc.Ticks != ticks) return hashed; // written meanwhile
        await using var store = new NpgsqlCommand("""
            with expired as (delete from file_hashes where hashed_at < now() - interval '180 days')
            insert into file_hashes (path, size_bytes, modified_ticks, md5_hash) values ($1, $2, $3, $4)
            on conflict (path) do update set size_bytes = excluded.size_bytes, modified_ticks = excluded.modified_ticks,
                md5_hash = excluded.md5_hash, hashed_at = now()
            """, conn);
        store.Parameters.AddWithValue(file.FullName);
        store.Parameters.AddWithValue(size);
        store.Parameters.AddWithValue(ticks);
        store.Parameters.AddWithValue(hashed);
        await store.ExecuteNonQueryAsync(ct);
        return hashed;
    }
}
