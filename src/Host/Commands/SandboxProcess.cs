using System.Diagnostics;
using System.Text.Json;

namespace CrmEtl.Host.Commands;

/// <summary>The sandbox portals (artifacts/sandbox/crm-etl-sandbox) as a child process, for the demo.</summary>
internal sealed class SandboxProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SandboxProcess(Process process, JsonElement ready)
    {
        _process = process;
        Ready = ready;
    }

    /// <summary>The sandbox's first line: its base URLs, its OTP and its (made-up) accounts.</summary>
    public JsonElement Ready { get; }

    public string Url(string name) => Ready.GetProperty(name).GetString()!;

    public static async Task<SandboxProcess> StartAsync(CancellationToken ct, params string[] args)
    {
        var exe = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "sandbox", "crm-etl-sandbox"));
        if (!File.Exists(exe)) throw new InvalidOperationException($"the sandbox portals are not built ({exe}); run ./crm-etl, which builds them");
        var psi = new ProcessStartInfo(exe, args) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        var process = Process.Start(psi)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                   ?? throw new InvalidOperationException("the sandbox portals stopped before they were ready");
        return new SandboxProcess(process, JsonDocument.Parse(line).RootElement.Clone());
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close(); // the sandbox stops when its stdin closes
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
