using System.Text;
using System.Text.RegularExpressions;
using CrmEtl.Host.Cli;
using Npgsql;

namespace CrmEtl.Host.Web;

/// <summary>
/// <c>users add|list|remove|token</c>: the people who may use the web page and the API. A password is asked for on a
/// terminal (twice, not shown) or read from the first line of standard input; a token is printed once.
/// </summary>
internal static partial class UsersCommand
{
    [GeneratedRegex("^[A-Za-z0-9._@-]{1,64}$")]
    private static partial Regex NamePattern();

    public static async Task<int> RunAsync(HostContext host, UsersOptions o, CancellationToken ct)
    {
        var action = o.Action.ToLowerInvariant();
        if (action is not ("add" or "list" or "remove" or "token"))
            throw new UsageException($"users: unknown action '{o.Action}'; one of: add, list, remove, token");
        if (action != "list" && o.Name is null) throw new UsageException($"users {action} needs the user's name: ./crm-etl users {action} NAME");
        if (o.Name is { } n && !NamePattern().IsMatch(n))
            throw new UsageException($"user name '{n}': 1-64 letters, digits, '.', '_', '@' or '-'");
        if (action != "add" && (o.Role is not null || o.Instances is not null))
            throw new UsageException("--role and --instances go with users add");

        if (o.Demo) await Commands.DemoCommand.UseDemoDatabaseAsync(host, ct);
        await using var db = NpgsqlDataSource.Create(await host.DatabaseAsync(ct));
        switch (action)
        {
            case "add":
            {
                var role = o.Role?.ToLowerInvariant() is { } r && WebUser.Roles.Contains(r)
                    ? r
                    : throw new UsageException($"--role {(o.Role is null ? "is required" : $"'{o.Role}' is not a role")}; one of: {string.Join(", ", WebUser.Roles)}");
                var instances = ParseInstances(o.Instances, role);
                var password = ReadPassword(o.Name!);
                var existed = await WebUsers.FindAsync(db, o.Name!, ct) is not null;
                await WebUsers.AddAsync(db, o.Name!, role, instances, password, ct);
                var user = new WebUser(o.Name!, role, instances, DateTimeOffset.UtcNow);
                Console.WriteLine($"{(existed ? "updated" : "added")} {user.Name}: {role}, ERP instances {(user.IsAdmin ? "all (admin)" : user.InstancesText)}");
                return 0;
            }
            case "remove":
                if (!await WebUsers.RemoveAsync(db, o.Name!, ct))
                {
                    Console.Error.WriteLine($"crm-etl: there is no user '{o.Name}' (./crm-etl users list)");
                    return 2;
                }
                Console.WriteLine($"removed {o.Name} (and its token)");
                return 0;
            case "token":
                if (await WebUsers.NewTokenAsync(db, o.Name!, ct) is not { } token)
                {
                    Console.Error.WriteLine($"crm-etl: there is no user '{o.Name}' (./crm-etl users list)");
                    return 2;
                }
                Console.Error.WriteLine($"a new API token for {o.Name} (shown once; the previous one no longer works):");
                Console.WriteLine(token);
                return 0;
            default:
                Console.WriteLine($"{"name",-20} {"role",-7} {"ERP instances",-30} {"token",-5}  added");
                foreach (var (user, hasToken, created) in await WebUsers.ListAsync(db, ct))
                    Console.WriteLine($"{user.Name,-20} {user.Role,-7} {(user.IsAdmin ? "all (admin)" : user.InstancesText),-30} {(hasToken ? "yes" : "no"),-5}  " +
                                      TimeZoneInfo.ConvertTime(created, CliDates.India).ToString("yyyy-MM-dd HH:mm"));
                return 0;
        }
    }

    // all (or an admin) = every instance, including ones pulled later; none given = none for a viewer or editor.
    private static string[]? ParseInstances(string? text, string role)
    {
        if (text is null) return role == "admin" ? null : [];
        var names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Any(n => n.Equals("all", StringComparison.OrdinalIgnoreCase))) return null;
        if (names.Length == 0) throw new UsageException("--instances: give instance names separated by commas, or all");
        return names.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
    }

    private static string ReadPassword(string name)
    {
        string password;
        if (Console.IsInputRedirected)
            password = Console.In.ReadLine() ?? "";
        else
        {
            password = Prompt($"password for {name}: ");
            if (Prompt("again: ") != password) throw new UsageException("the two passwords differ; nothing was changed");
        }
        if (password.Length < 8) throw new UsageException("a password needs at least 8 characters; nothing was changed");
        return password;
    }

    private static string Prompt(string label)
    {
        Console.Error.Write(label);
        var text = new StringBuilder();
        while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace) { if (text.Length > 0) text.Length--; }
            else if (!char.IsControl(key.KeyChar)) text.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return text.ToString();
    }
}
