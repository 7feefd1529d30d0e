using CrmEtl.Abstractions.Commands;
using CrmEtl.Host.Commands;
using CrmEtl.Host.Http;
using CrmEtl.Host.Logging;
using CrmEtl.Host.Plugins;

namespace CrmEtl.Host.Cli;

/// <summary>
/// The verbs plugins add: <c>./crm-etl leads list ...</c> (a verb with actions), or a verb taken per source,
/// <c>./crm-etl export --crm crmapi ...</c>. Their options are parsed here against what the plugin declares, with help,
/// and a mistyped option or a stray argument is a usage error (exit 2) like any other.
/// </summary>
internal static class PluginVerbs
{
    /// <summary>Runs a plugin's verb when <paramref name="args"/> name one; null when they name none (a host verb, or nothing known).</summary>
    public static async Task<int?> TryRunAsync(HostContext host, string[] args, CancellationToken ct)
    {
        if (args.Length == 0 || args[0].StartsWith('-')) return null;
        var offered = All(host.Plugins, host).Where(x => x.Command.Verb == args[0]).ToList();
        if (offered.Count == 0) return null;

        LoadedPlugin plugin;
        PluginCommand command;
        int first;
        if (offered.Any(x => x.Command.Action is not null))
        {
            var action = args.Length > 1 && !args[1].StartsWith('-') ? args[1] : null;
            var actions = offered.Select(x => x.Command.Action!).ToList();
            if (action is null)
            {
                if (args.Contains("--help")) return PrintVerbHelp(args[0], offered);
                throw new UsageException($"./crm-etl {args[0]} needs an action: {string.Join(", ", actions)} (./crm-etl {args[0]} --help)");
            }
            var match = offered.FirstOrDefault(x => x.Command.Action == action);
            if (match.Command is null)
                throw new UsageException($"./crm-etl {args[0]} has no action '{action}'{Suggest(action, actions)}; its actions: {string.Join(", ", actions)}");
            (plugin, command, first) = (match.Plugin, match.Command, 2);
        }
        else
        {
            var crmAt = Array.IndexOf(args, "--crm");
            var crm = crmAt >= 0 && crmAt + 1 < args.Length ? args[crmAt + 1] : null;
            var sources = offered.Select(x => x.Plugin.Info.Crm).ToList();
            if (crm is null)
            {
                if (args.Contains("--help")) return PrintVerbHelp(args[0], offered);
                throw new UsageException($"./crm-etl {args[0]} needs --crm ({string.Join(", ", sources)})");
            }
            var match = offered.FirstOrDefault(x => string.Equals(x.Plugin.Info.Crm, crm, StringComparison.OrdinalIgnoreCase));
            if (match.Command is null) throw new UsageException($"--crm {crm} has no verb '{args[0]}'; these have: {string.Join(", ", sources)}");
            (plugin, command, first) = (match.Plugin, match.Command, 1);
        }

        if (args.Skip(first).Contains("--help"))
        {
            Console.Out.WriteLine(Help(plugin, command));
            return 0;
        }
        var (options, arguments) = Parse(command, args.Skip(first).ToList());
        var scope = $"{plugin.Info.Crm}/{command.Verb}";
        using var http = ResilientHttp.Create();
        var context = new PluginCommandContext(await host.DatabaseAsync(ct), options, arguments, host.Config.PluginSettings(plugin.Info.Crm),
            Console.Out, message => Log.Info(scope, "verb", message), http);
        try
        {
            return await command.RunAsync(context, ct);
        }
        catch (PluginUsageException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>Every verb the plugins add, for the top-level help.</summary>
    public static IEnumerable<string> Summaries(PluginCatalog plugins) =>
        All(plugins, null).Select(x => $"  {Usage(x.Plugin, x.Command, withOptions: false),-34} {x.Command.Summary}");

    // The plugins' own verbs, and `pull` for each plugin with an API (run by the host; listed without one).
    private static IEnumerable<(LoadedPlugin Plugin, PluginCommand Command)> All(PluginCatalog plugins, HostContext? host) =>
        plugins.Plugins.SelectMany(p => p.Plugin.Commands.Concat(PullCommand.For(host!, p)).Select(c => (p, c)));

    private static (Dictionary<string, IReadOnlyList<string>>, List<string>) Parse(PluginCommand command, List<string> args)
    {
        var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var arguments = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (arguments.Count >= command.Arguments.Count)
                    throw new UsageException($"unexpected argument '{arg}' for ./crm-etl {command.Verb}{(command.Action is null ? "" : " " + command.Action)}");
                arguments.Add(arg);
                continue;
            }
            var name = arg[2..];
            string? inline = null;
            if (name.IndexOf('=') is var eq and > 0) (name, inline) = (name[..eq], name[(eq + 1)..]);
            if (name == "crm" && command.Action is null)
            {
                i++; // chose the plugin already
                continue;
            }
            var option = command.Options.FirstOrDefault(o => o.Name == name)
                ?? throw new UsageException($"unknown option --{name}{Suggest(name, command.Options.Select(o => o.Name), "--")} (./crm-etl {command.Verb}{(command.Action is null ? "" : " " + command.Action)} --help)");
            string value;
            if (option.Value is null) value = inline ?? "true";
            else if (inline is not null) value = inline;
            else if (i + 1 < args.Count) value = args[++i];
            else throw new UsageException($"--{name} needs a value ({option.Value})");
            if (!options.TryGetValue(name, out var values)) options[name] = values = [];
            else if (!option.Many) throw new UsageException($"--{name} is given twice");
            values.Add(value);
        }
        foreach (var required in command.Options.Where(o => o.Required && !options.ContainsKey(o.Name)))
            throw new UsageException($"--{required.Name} is required ({required.Help})");
        if (arguments.Count < command.Arguments.Count)
            throw new UsageException($"missing {command.Arguments[arguments.Count]} (./crm-etl {command.Verb} {command.Action} --help)");
        return (options.ToDictionary(o => o.Key, o => (IReadOnlyList<string>)o.Value), arguments);
    }

    private static string Usage(LoadedPlugin plugin, PluginCommand command, bool withOptions = true)
    {
        var head = command.Action is null ? $"./crm-etl {command.Verb} --crm {plugin.Info.Crm}" : $"./crm-etl {command.Verb} {command.Action}";
        var positional = string.Concat(command.Arguments.Select(a => " " + a));
        if (!withOptions) return head + positional;
        var options = string.Concat(command.Options.Select(o =>
        {
            var text = o.Value is null ? $"--{o.Name}" : $"--{o.Name} {o.Value}";
            return o.Required ? $" {text}" : $" [{text}]";
        }));
        return head + positional + options;
    }

    private static string Help(LoadedPlugin plugin, PluginCommand command)
    {
        var lines = new List<string> { $"usage: {Usage(plugin, command)}", "", $"{command.Summary} ({plugin.Info.DisplayName} plugin)", "" };
        if (command.Options.Count > 0)
        {
            lines.Add("options:");
            lines.AddRange(command.Options.Select(o => $"  {(o.Value is null ? $"--{o.Name}" : $"--{o.Name} {o.Value}"),-24} {o.Help}{(o.Required ? " (required)" : "")}"));
            lines.Add("");
        }
        if (command.Example is { } example) lines.AddRange([$"example: {example}", ""]);
        lines.Add("exit codes: 0 done; 1 it failed (the error says why); 2 the command line was wrong");
        return string.Join('\n', lines);
    }

    private static int PrintVerbHelp(string verb, IEnumerable<(LoadedPlugin Plugin, PluginCommand Command)> offered)
    {
        Console.Out.WriteLine($"./crm-etl {verb}: verbs of the plugins");
        foreach (var (plugin, command) in offered) Console.Out.WriteLine($"  {Usage(plugin, command, withOptions: false),-34} {command.Summary}");
        return 0;
    }

    /// <summary>"; did you mean x?" for the known word nearest a mistyped one (at most two edits away), else "".</summary>
    public static string Suggest(string typed, IEnumerable<string> known, string prefix = "")
    {
        var best = known.Select(k => (k, d: Distance(typed.ToLowerInvariant(), k.ToLowerInvariant()))).OrderBy(x => x.d).FirstOrDefault();
        return best.k is not null && best.d <= 2 ? $"; did you mean {prefix}{best.k}?" : "";
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        for (var j = 1; j <= b.Length; j++)
            d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
