namespace CrmEtl.Host.Models;

/// <summary>An error check found rows: the load is rolled back and recorded as failed, naming the check.</summary>
internal sealed class CheckFailedException(CheckResult result) : Exception(result.Message)
{
    public CheckResult Result { get; } = result;
}
