using System.Diagnostics;

namespace CrmEtl.Tests.Support;

/// <summary>Runs the built host (artifacts/host/crm-etl) as the operator would, on a test's database.</summary>
internal sealed class HostProcess(string connectionString)
{
    public string Home { get; } = Repo.TempDir("home");

    public Dictionary<string, string> Environment { get; } = new();

    /// <summary>What the next commands read on standard input (a password for <c>users add</c>); none when null.</summary>
    public string? Stdin { get; set; }

    /// <summary>How long one command may take; a CI machine shared with the browser tests runs several times slower.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(3);

    public Task<Result> RunAsync(params string[] args) => WaitAsync(Start(args), args);

    /// <summary>Runs a script of the repository (<c>scripts/scheduled-run.sh</c>) with the host's environment.</summary>
    public Task<Result> RunScriptAsync(string script, params string[] args) =>
        WaitAsync(Launch("bash", [Path.Combine(Repo.Root, script), .. args]), [script, .. args]);

    private async Task<Result> WaitAsync(Process started, string[] args)
    {
        using var process = started;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Ending it closes its pipes, so what it printed so far says where it stood.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"crm-etl {string.Join(' ', args)} ran past {Timeout}:\nstdout: {await stdout}\nstderr: {await stderr}");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Starts the host; <c>--script-terminal FILE</c> first runs it under util-linux <c>script</c>, on a terminal of
    /// its own, and writes what that terminal showed to FILE.
    /// </summary>
    public Process Start(params string[] args)
    {
        var (file, arguments) = args is ["--script-terminal", var typescript, .. var rest]
            ? ("script", new[] { "-qfe", "-c", string.Join(' ', rest.Prepend(Repo.HostExe).Select(a => "'" + a.Replace("'", "'\\''") + "'")), typescript })
            : (Repo.HostExe, args);
        return Launch(file, arguments);
    }

    private Process Launch(string file, string[] arguments)
    {
        var psi = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Home,
        };
        if (connectionString.Length > 0) psi.Environment["CRMETL_DATABASE"] = connectionString;
        else psi.Environment.Remove("CRMETL_DATABASE");
        psi.Environment["CRMETL_HOME"] = Home;
        foreach (var (k, v) in Environment)
        {
            if (v.Length > 0) psi.Environment[k] = v;
            else psi.Environment.Remove(k);
        }
        var process = Process.Start(psi)!;
        if (Stdin is not null) process.StandardInput.Write(Stdin);
        process.StandardInput.Close();
        return process;
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
    }
}
