namespace CrmEtl.Abstractions.Commands;

/// <summary>
/// A verb a plugin adds to the command line: <c>./crm-etl leads list ...</c> (<see cref="Verb"/> <c>leads</c>,
/// <see cref="Action"/> <c>list</c>), or a host verb taken for its source, <c>./crm-etl export --crm crmapi ...</c>
/// (<see cref="Verb"/> <c>export</c>, no action).
/// </summary>
public sealed record PluginCommand(string Verb, string? Action, string Summary, IReadOnlyList<PluginOption> Options,
    Func<PluginCommandContext, CancellationToken, Task<int>> RunAsync)
{
    /// <summary>Names of the positional arguments, in order (<c>ID</c>), for help; they are passed in <see cref="PluginCommandContext.Arguments"/>.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>An example command line for <c>--help</c>.</summary>
    public string? Example { get; init; }
}
