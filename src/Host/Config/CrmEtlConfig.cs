using Microsoft.Extensions.Configuration;

namespace CrmEtl.Host.Config;

/// <summary>
/// crm-etl.json (CRMETL_CONFIG, else ./crm-etl.json, else the repository's), every value overridable by an
/// environment variable CRMETL_Section__Key (e.g. CRMETL_Browser__Headless=false, CRMETL_Stores__0__Profile=...).
/// No secrets belong here.
/// </summary>
internal sealed class CrmEtlConfig
{
    public List<StoreConfig> Stores { get; set; } = [];

    public Dictionary<string, CrmConfig> Crms { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public BrowserConfig Browser { get; set; } = new();

    public TimeoutConfig Timeouts { get; set; } = new();

    public DownloadConfig Download { get; set; } = new();

    public FreshnessConfig Freshness { get; set; } = new();

    public AlertsConfig Alerts { get; set; } = new();

    public ScheduleConfig Schedule { get; set; } = new();

    public HousekeepingConfig Housekeeping { get; set; } = new();

    public ServeConfig Serve { get; set; } = new();

    /// <summary>The folder relative paths (profiles, downloads) are resolved against.</summary>
    public string BaseDirectory { get; set; } = Environment.CurrentDirectory;

    /// <summary>The configuration file in use: CRMETL_CONFIG, else ./crm-etl.json, else the repository's; null when none exists.</summary>
    public static string? FindFile(string sqlRoot) =>
        Environment.GetEnvironmentVariable("CRMETL_CONFIG") is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : new[] { Path.Combine(Environment.CurrentDirectory, "crm-etl.json"), Path.Combine(Path.GetDirectoryName(sqlRoot)!, "crm-etl.json") }
                .FirstOrDefault(File.Exists);

    public static CrmEtlConfig Load(CrmEtlPaths paths)
    {
        var file = FindFile(paths.SqlRoot);
        if (file is not null && !File.Exists(file)) throw new UsageException($"CRMETL_CONFIG names {file}, which does not exist");
        var builder = new ConfigurationBuilder();
        if (file is not null) builder.AddJsonFile(file, optional: false);
        builder.AddEnvironmentVariables("CRMETL_");
        var raw = builder.Build();
        var config = raw.Get<CrmEtlConfig>() ?? new CrmEtlConfig();
        config._raw = raw;
        config.BaseDirectory = file is null ? Environment.CurrentDirectory : Path.GetDirectoryName(file)!;
        config.Download.Folder ??= Path.Combine(paths.Home, "downloads");
        if (config.Download.Folder.Length == 0) config.Download.Folder = Path.Combine(paths.Home, "downloads");
        if (config.Schedule.Times.Count == 0) config.Schedule.Times = [.. ScheduleConfig.DefaultTimes];
        for (var i = 0; i < config.Stores.Count; i++) config.Stores[i].Validate($"{file ?? "the configuration"}: stores[{i}]");
        return config;
    }

    private IConfiguration? _raw;

    /// <summary>A plugin's settings given in code (the demo points the API sources at its sandboxes), over the file's.</summary>
    public Dictionary<string, System.Text.Json.JsonElement> SettingsOverrides { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A plugin's section (named by its crm key, e.g. <c>erpnext</c>), environment overrides applied, as JSON: objects,
    /// arrays (a section whose keys are 0, 1, ...) and values, every value a string as configuration keeps them.
    /// </summary>
    public System.Text.Json.JsonElement PluginSettings(string crm)
    {
        if (SettingsOverrides.TryGetValue(crm, out var given)) return given;
        static System.Text.Json.Nodes.JsonNode? Node(IConfigurationSection section)
        {
            var children = section.GetChildren().ToList();
            if (children.Count == 0) return section.Value is { } v ? System.Text.Json.Nodes.JsonValue.Create(v) : null;
            if (children.All(c => int.TryParse(c.Key, out _)))
                return new System.Text.Json.Nodes.JsonArray(children.OrderBy(c => int.Parse(c.Key)).Select(Node).ToArray());
            var obj = new System.Text.Json.Nodes.JsonObject();
            foreach (var child in children) obj[child.Key] = Node(child);
            return obj;
        }
        var node = _raw is null ? null : Node(_raw.GetSection(crm));
        return System.Text.Json.JsonSerializer.SerializeToElement(node ?? new System.Text.Json.Nodes.JsonObject());
    }

    public string Resolve(string path) => Path.GetFullPath(Path.Combine(BaseDirectory, path));

    public string ProfilePath(StoreConfig store) => Resolve(store.Profile ?? $"profiles/{store.Crm}_{store.Id}.json");

    /// <summary>The store's stored login for logging in again by itself (may not exist): default beside its session.</summary>
    public string LoginPath(StoreConfig store) => Resolve(store.Login ?? Path.ChangeExtension(store.Profile ?? $"profiles/{store.Crm}_{store.Id}.json", ".login.json"));

    public IReadOnlyDictionary<string, string> UrlsFor(string crm) =>
        Crms.TryGetValue(crm, out var c) ? c.Urls : new Dictionary<string, string>();
}

internal sealed class StoreConfig
{
    public string Crm { get; set; } = "";

    public string Id { get; set; } = "";

    public string Code { get; set; } = "";

    public string Name { get; set; } = "";

    public string CostCenter { get; set; } = "";

    /// <summary>Storage state file; default profiles/&lt;crm&gt;_&lt;id&gt;.json.</summary>
    public string? Profile { get; set; }

    /// <summary>Stored login (user, password, pin; mode 0600); default profiles/&lt;crm&gt;_&lt;id&gt;.login.json.</summary>
    public string? Login { get; set; }

    /// <summary>Flow variant (UClean: export-report or generateGST).</summary>
    public string? ExportMode { get; set; }

    public bool Enabled { get; set; } = true;

    public Store ToStore() => new(Crm, Id, Code, Name, CostCenter);

    // Ids, codes and names become parts of file names (profiles/td_a668.json, TD_OrderReport_UttamNagar_...): what
    // could climb out of their folder ("../") or hide in a name is refused where it is written.
    public void Validate(string where)
    {
        static bool Plain(string s, bool spaces) =>
            s.Length is > 0 and <= 64 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' || spaces && c == ' ');
        if (!Plain(Crm, false)) throw new UsageException($"{where}.crm '{Crm}' may hold only letters, digits, _ and -");
        if (!Plain(Id, false)) throw new UsageException($"{where}.id '{Id}' may hold only letters, digits, _ and -");
        if (!Plain(Code, false)) throw new UsageException($"{where}.code '{Code}' may hold only letters, digits, _ and -");
        if (!Plain(Name, true)) throw new UsageException($"{where}.name '{Name}' may hold only letters, digits, spaces, _ and -");
        if (!Plain(CostCenter, false)) throw new UsageException($"{where}.costCenter '{CostCenter}' may hold only letters, digits, _ and -");
    }
}

internal sealed class CrmConfig
{
    public Dictionary<string, string> Urls { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

internal sealed class BrowserConfig
{
    /// <summary>Debian's Chromium by default; ignored when <see cref="Channel"/> is set.</summary>
    public string ExecutablePath { get; set; } = "/usr/bin/chromium";

    /// <summary>"chrome" where Google Chrome is installed.</summary>
    public string? Channel { get; set; }

    public bool Headless { get; set; } = true;

    /// <summary>Extra Chromium command-line switches, after the host's own.</summary>
    public List<string> Args { get; set; } = [];
}

internal sealed class TimeoutConfig
{
    public int NavigationSeconds { get; set; } = 30;

    public int ReportSeconds { get; set; } = 120;

    public int LoginMinutes { get; set; } = 10;

    /// <summary>A store's whole download and ingestion; past it its browser is ended and the store recorded as timeout.</summary>
    public double StoreMinutes { get; set; } = 5;

    /// <summary>A whole download run; stores not finished by then are recorded as timeout.</summary>
    public double RunMinutes { get; set; } = 30;
}

internal sealed class DownloadConfig
{
    /// <summary>auto windows start this many days before the last successful window's end.</summary>
    public int OverlapDays { get; set; } = 1;

    /// <summary>auto windows of a store with no history start this many days back (today included).</summary>
    public int FirstRunDays { get; set; } = 7;

    /// <summary>Longer windows are split into requests of at most this many days.</summary>
    public int MaxDaysPerRequest { get; set; } = 7;

    /// <summary>Default $CRMETL_HOME/downloads.</summary>
    public string? Folder { get; set; }

    /// <summary>Attempts for a portal that is unavailable (5xx, timeouts) before giving up.</summary>
    public int Attempts { get; set; } = 3;

    public double RetryBackoffSeconds { get; set; } = 2;

    /// <summary>Stores downloaded at once (--parallel overrides), each in its own context of one browser; 1 = one by one.</summary>
    public int Parallel { get; set; } = 4;
}

internal sealed class FreshnessConfig
{
    /// <summary>A store with no successful window for longer than this is STALE (the overnight gap is 14 h).</summary>
    public double StaleHours { get; set; } = 18;
}

internal sealed class AlertsConfig
{
    /// <summary>POSTed a JSON alert; a token, if needed, comes from CRMETL_ALERT_WEBHOOK_TOKEN (sent as Bearer).</summary>
    public string? WebhookUrl { get; set; }

    public SmtpConfig Smtp { get; set; } = new();

    /// <summary>portal_unavailable is alerted only when it happens this many runs in a row.</summary>
    public int UnavailableRepeats { get; set; } = 2;
}

internal sealed class SmtpConfig
{
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public bool EnableSsl { get; set; } = true;

    public string? User { get; set; }

    public string From { get; set; } = "crm-etl@localhost";

    public List<string> To { get; set; } = [];
}

internal sealed class ScheduleConfig
{
    public static readonly IReadOnlyList<string> DefaultTimes = ["11:00", "14:00", "17:00", "21:00"];

    /// <summary>Times of day, in IST, of the scheduled download runs; default 11:00, 14:00, 17:00, 21:00.</summary>
    /// <remarks>Empty here and defaulted after binding: the binder appends a file's list to an initialised one.</remarks>
    public List<string> Times { get; set; } = [];

    /// <summary>
    /// Times of day, in IST, of each API source's scheduled pulls, by its crm key (<c>"crmapi": ["09:00", "15:00"]</c>);
    /// a source not named here is pulled at the times its plugin proposes (ERPNext daily, the CRM 4 times a day).
    /// </summary>
    public Dictionary<string, List<string>> Pulls { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

internal sealed class HousekeepingConfig
{
    /// <summary>Kept and failed downloads and logs older than this are removed (or archived).</summary>
    public int KeepDays { get; set; } = 30;

    /// <summary>When set, old files are moved here instead of deleted.</summary>
    public string? ArchiveFolder { get; set; }
}

internal sealed class ServeConfig
{
    /// <summary>The port of `serve` when --port is not given.</summary>
    public int Port { get; set; } = 8080;

    /// <summary>The address of `serve` when --bind is not given; beyond loopback only with a certificate (or --insecure-http).</summary>
    public string Bind { get; set; } = "127.0.0.1";

    /// <summary>A .pfx (its password in CRMETL_SERVE_CERTIFICATE_PASSWORD) or a PEM certificate with <see cref="CertificateKey"/>: serve HTTPS.</summary>
    public string? Certificate { get; set; }

    /// <summary>The PEM private key of a PEM <see cref="Certificate"/>.</summary>
    public string? CertificateKey { get; set; }

    /// <summary>Login attempts one address may make per minute; more are refused (429) until the minute is over.</summary>
    public int LoginAttemptsPerMinute { get; set; } = 10;
}
