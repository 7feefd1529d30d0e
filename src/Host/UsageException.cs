namespace CrmEtl.Host;

/// <summary>The command line asks for something that does not exist or does not fit: exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
