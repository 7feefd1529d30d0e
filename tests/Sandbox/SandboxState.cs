using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace CrmEtl.Sandbox;

/// <summary>Server-side sessions, tokens and jobs of the three hosts. Expiring a store drops all of its.</summary>
public sealed class SandboxState
{
    public SandboxKnobs Knobs { get; } = new();

    /// <summary>subs session cookie → store code.</summary>
    public ConcurrentDictionary<string, string> SubsSessions { get; } = new();

    /// <summary>Devices that passed an OTP (cookie value → crm).</summary>
    public ConcurrentDictionary<string, string> TrustedDevices { get; } = new();

    /// <summary>Logins waiting for their OTP: pending id → store code.</summary>
    public ConcurrentDictionary<string, string> PendingOtp { get; } = new();

    /// <summary>Iframe tokens → store code (handed from subs to reports).</summary>
    public ConcurrentDictionary<string, string> ReportTokens { get; } = new();

    /// <summary>reports session cookie → store code.</summary>
    public ConcurrentDictionary<string, string> ReportSessions { get; } = new();

    /// <summary>UClean API tokens → store code.</summary>
    public ConcurrentDictionary<string, string> ApiTokens { get; } = new();

    /// <summary>Report jobs (TD export, UC generateGST) → what was asked and when it is ready.</summary>
    public ConcurrentDictionary<string, ReportJob> Jobs { get; } = new();

    /// <summary>Requests served per store code and endpoint kind, for tests that count.</summary>
    public ConcurrentDictionary<string, int> Hits { get; } = new();

    public static string NewId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    public void Expire(string? storeCode)
    {
        foreach (var map in new[] { SubsSessions, ReportTokens, ReportSessions, ApiTokens })
            foreach (var (key, store) in map)
                if (storeCode is null || string.Equals(store, storeCode, StringComparison.OrdinalIgnoreCase))
                    map.TryRemove(key, out _);
    }

    public void Hit(string storeCode, string what) => Hits.AddOrUpdate($"{storeCode}:{what}", 1, (_, n) => n + 1);

    /// <summary>True (and one less to go) when this request should fail with a 503.</summary>
    public bool ShouldFail(string storeCode)
    {
        lock (Knobs)
        {
            if (!Knobs.Applies(storeCode)) return false;
            if (Knobs.FailRate > 0 && _random.NextDouble() < Knobs.FailRate) return true;
            if (Knobs.FailNext <= 0) return false;
            Knobs.FailNext--;
            return true;
        }
    }

    private readonly Random _random = new(20251112);
}

/// <summary>A report being prepared.</summary>
public sealed record ReportJob(string StoreCode, DateOnly From, DateOnly To, DateTime ReadyAtUtc)
{
    public int Polls { get; set; }
}
