namespace CrmEtl.Abstractions.Commands;

/// <summary>The command line asks a plugin's verb for something that does not exist or does not fit: exit code 2.</summary>
public sealed class PluginUsageException(string message) : Exception(message);
