namespace CrmEtl.Host.Models;

/// <summary>
/// The statements a batch's models and checks ran, in order, when asked (`transform --print-sql`): whole statements
/// that psql can run as they are, so the benchmark's reference runs exactly the host's SQL.
/// </summary>
internal static class SqlTrace
{
    private static readonly AsyncLocal<List<string>?> Current = new();

    public static List<string> Start() => Current.Value = [];

    public static void Add(string sql) => Current.Value?.Add(sql);
}
