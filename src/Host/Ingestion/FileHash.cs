using System.Security.Cryptography;

namespace CrmEtl.Host.Ingestion;

internal static class FileHash
{
    /// <summary>The file's md5 as 32 lower-case hex digits (the ledger's file identity).</summary>
    public static async Task<string> Md5Async(string path, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        return Convert.ToHexString(await MD5.HashDataAsync(stream, ct)).ToLowerInvariant();
    }
}
