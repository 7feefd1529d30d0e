using System.Diagnostics;

namespace CrmEtl.Tests.Support;

/// <summary>Runs the built host (artifacts/host/crm-etl) as the operator would, on a test's database.</summary>
internal sealed class HostProcess(string connectionString)
{
    public string Home { get; } = Repo.TempDir("home");

    public Dictionary<string, string> Environment { get; } = new();

    public async Task<Result> RunAsync(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo(Repo.HostExe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Home,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (connectionString.Length > 0) psi.Environment["CRMETL_DATABASE"] = connectionString;
        else psi.Environment.Remove("CRMETL_DATABASE");
        psi.Environment["CRMETL_HOME"] = Home;
        foreach (var (k, v) in Environment)
        {
            if (v.Length > 0) psi.Environment[k] = v;
            else psi.Environment.Remove(k);
        }
        var process = Process.Start(psi)!;
        process.StandardInput.Close();
        return process;
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
    }
}
