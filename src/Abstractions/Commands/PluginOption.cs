namespace CrmEtl.Abstractions.Commands;

/// <summary>An option of a plugin's verb.</summary>
/// <param name="Name">Without dashes: <c>status</c> for <c>--status</c>.</param>
/// <param name="Value">The value's placeholder in help (<c>S</c>), or null for a flag.</param>
/// <param name="Help">One line for <c>--help</c>.</param>
/// <param name="Required">Whether the verb cannot run without it.</param>
/// <param name="Many">Whether it may be given more than once (<c>--set a=1 --set b=2</c>).</param>
public sealed record PluginOption(string Name, string? Value, string Help, bool Required = false, bool Many = false);
