namespace CrmEtl.Host.Models;

/// <summary>A check that found rows: how many, and the first of them as JSON.</summary>
internal sealed record CheckResult(string Name, bool IsError, long Rows, string Sample)
{
    public string Message => $"check {Name} found {Rows} row(s){(IsError ? "" : " (warning)")}: {Sample}";
}
