using System.Diagnostics;

namespace CrmEtl.Host.Browser;

/// <summary>A private X display (Debian package xvfb) for a headed browser on a machine with no screen.</summary>
internal sealed class XvfbDisplay : IDisposable
{
    private readonly Process _process;

    private XvfbDisplay(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public static async Task<XvfbDisplay> StartAsync(CancellationToken ct)
    {
        if (!File.Exists("/usr/bin/Xvfb"))
            throw new InvalidOperationException("a headed browser needs a display: install the Debian package 'xvfb' (./crm-etl does) or set DISPLAY");
        for (var n = 90; n < 190; n++)
        {
            if (File.Exists($"/tmp/.X{n}-lock") || File.Exists($"/tmp/.X11-unix/X{n}")) continue;
            var psi = new ProcessStartInfo("/usr/bin/Xvfb") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { $":{n}", "-screen", "0", "1366x900x24", "-nolisten", "tcp" }) psi.ArgumentList.Add(a);
            var process = Process.Start(psi)!;
            for (var i = 0; i < 50 && !process.HasExited; i++)
            {
                if (File.Exists($"/tmp/.X11-unix/X{n}")) return new XvfbDisplay(process, $":{n}");
                await Task.Delay(100, ct);
            }
            if (!process.HasExited) process.Kill();
        }
        throw new InvalidOperationException("could not start Xvfb on any display :90-:189");
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
