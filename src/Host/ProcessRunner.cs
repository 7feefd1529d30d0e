using System.ComponentModel;
using System.Diagnostics;

namespace CrmEtl.Host;

/// <summary>
/// Runs a command to completion and returns its exit code with stdout and stderr together; as the given user
/// when one is named (via runuser, for root); with <paramref name="input"/> on its stdin when given. A command
/// that is not installed answers 127, as a shell would.
/// </summary>
internal static class ProcessRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string file, IEnumerable<string> args, string? asUser = null, CancellationToken ct = default, string? input = null)
    {
        var psi = new ProcessStartInfo(asUser is null ? file : "runuser")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (asUser is not null)
        {
            psi.ArgumentList.Add("-u");
            psi.ArgumentList.Add(asUser);
            psi.ArgumentList.Add("--");
            psi.ArgumentList.Add(file);
        }
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        }
        catch (Win32Exception)
        {
            return (127, $"{file} is not installed");
        }
        using (process)
        {
            if (input is not null) await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            return (process.ExitCode, ((await stdout) + (await stderr)).Trim());
        }
    }
}
