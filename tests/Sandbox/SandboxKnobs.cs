using System.Text.Json.Serialization;

namespace CrmEtl.Sandbox;

/// <summary>
/// What tests and demos can turn: settable in process, or with POST /__admin/knobs (JSON, any subset) on any host.
/// Failure knobs apply to every store, or only to <see cref="OnlyStore"/> (a store code) when it is set.
/// </summary>
public sealed class SandboxKnobs
{
    /// <summary>The OTP every login from a new device must type.</summary>
    public string Otp { get; set; } = "123456";

    /// <summary>Seconds the TumbleDry report shows "Preparing report..." before the file comes.</summary>
    public double ReportDelaySeconds { get; set; } = 1;

    /// <summary>The overdue-orders popup on subs pages: off, closable, or sticky (its close button does nothing).</summary>
    public string Popup { get; set; } = "off";

    /// <summary>Show the licence page (Pay Later) after login.</summary>
    public bool LicencePage { get; set; }

    /// <summary>The next N export/file requests answer 503.</summary>
    public int FailNext { get; set; }

    /// <summary>Share (0..1) of export/file requests that answer 503, drawn from a seeded random sequence.</summary>
    public double FailRate { get; set; }

    /// <summary>Extra milliseconds before every export/file answer.</summary>
    public int SlowMs { get; set; }

    /// <summary>Answer the login page's HTML (200) where the report file was expected.</summary>
    public bool HtmlInsteadOfFile { get; set; }

    /// <summary>Cut the report file in half.</summary>
    public bool TruncatedFile { get; set; }

    /// <summary>Rename this report column (e.g. "Order No.") to "&lt;name&gt; (new)".</summary>
    public string? RenamedColumn { get; set; }

    /// <summary>Days (yyyy-MM-dd) on which the stores had no orders.</summary>
    public HashSet<DateOnly> EmptyDays { get; set; } = [];

    /// <summary>How many times generateGST answers "processing" before the file is ready.</summary>
    public int ProcessingPolls { get; set; } = 2;

    /// <summary>The portals' clock in IST; null = the real time. Later in a day, more orders and later statuses.</summary>
    public DateTime? NowIst { get; set; }

    /// <summary>Limit the failure knobs and the report delay to one store code (a668, UC567, ...); null = all stores.</summary>
    public string? OnlyStore { get; set; }

    [JsonIgnore]
    public DateTime Now => NowIst ?? TimeZoneInfo.ConvertTime(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"));

    public bool Applies(string storeCode) => OnlyStore is null || string.Equals(OnlyStore, storeCode, StringComparison.OrdinalIgnoreCase);
}
