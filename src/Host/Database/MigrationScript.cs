using System.Security.Cryptography;
using System.Text;

namespace CrmEtl.Host.Database;

/// <summary>One run-once SQL file, journaled under <see cref="Name"/> (module/file name) with a checksum.</summary>
internal sealed record MigrationScript(string Name, string Path, string Sql)
{
    public string Checksum =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n")))).ToLowerInvariant();

    /// <summary>The NNNN_name.sql files of a folder, in order, journaled as <paramref name="module"/>/file.</summary>
    public static IEnumerable<MigrationScript> FromFolder(string module, string folder) =>
        !Directory.Exists(folder)
            ? []
            : Directory.GetFiles(folder, "*.sql")
                .Order(StringComparer.Ordinal)
                .Select(f => new MigrationScript($"{module}/{System.IO.Path.GetFileName(f)}", f, File.ReadAllText(f)));
}
