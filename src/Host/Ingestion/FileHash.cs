using System.Security.Cryptography;
using CrmEtl.Host.Reading;
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
    /// The file's md5, from file_hashes when the file at this path is, as stat says, the very file hashed then (size,
    /// modification and change times, inode: copying a file and putting its old time back still changes its change
    /// time); otherwise computed and, when <paramref name="remember"/>, stored there. Entries not refreshed for 180
    /// days are dropped as new ones come.
    /// </summary>
    public static async Task<string> Md5Async(NpgsqlConnection conn, string path, bool remember, CancellationToken ct)
    {
        var full = Path.GetFullPath(path);
        var stat = Key(FileProbe.RequireRegularFile(full));
        await using (var known = new NpgsqlCommand("select md5_hash from file_hashes where path = $1 and stat = $2", conn))
        {
            known.Parameters.AddWithValue(full);
            known.Parameters.AddWithValue(stat);
            if (await known.ExecuteScalarAsync(ct) is string md5) return md5;
        }

        var hashed = await Md5Async(full, ct);
        if (!remember || FileProbe.Stat(full) is not { } after || Key(after) != stat) return hashed; // written meanwhile
        await using var store = new NpgsqlCommand("""
            with expired as (delete from file_hashes where hashed_at < now() - interval '180 days')
            insert into file_hashes (path, stat, md5_hash) values ($1, $2, $3)
            on conflict (path) do update set stat = excluded.stat, md5_hash = excluded.md5_hash, hashed_at = now()
            """, conn);
        store.Parameters.AddWithValue(full);
        store.Parameters.AddWithValue(stat);
        store.Parameters.AddWithValue(hashed);
        await store.ExecuteNonQueryAsync(ct);
        return hashed;
    }

    private static string Key(FileProbe p) => $"{p.Size}|{p.Modified}|{p.Changed}|{p.Inode}";
}
