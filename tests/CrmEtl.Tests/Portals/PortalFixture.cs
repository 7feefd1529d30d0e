using System.Text.Json;
using CrmEtl.Sandbox;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Portals;

/// <summary>
/// The sandbox portals (real Kestrel hosts on 127.0.0.2-4), a crm-etl.json pointing at them, and the four store
/// profiles bootstrapped once through the real CLI and Chromium. The portals' clock is fixed so reports are exact.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    /// <summary>"Now" at the portals: 12 Nov 2025, 18:00 IST.</summary>
    public static readonly DateTime Now = new(2025, 11, 12, 18, 0, 0);

    public static readonly DateOnly Today = DateOnly.FromDateTime(Now);

    public SandboxServer Sandbox { get; private set; } = null!;

    public string Dir { get; } = Repo.TempDir("portals");

    public string ConfigPath => Path.Combine(Dir, "crm-etl.json");

    public string ProfilesDir => Path.Combine(Dir, "profiles");

    public async Task InitializeAsync()
    {
        Sandbox = await SandboxServer.StartAsync();
        ResetKnobs();
        WriteConfig(ConfigPath, ProfilesDir);
        var host = new HostProcess(await TestCluster.CreateMigratedDatabaseAsync("boot"));
        host.Environment["CRMETL_CONFIG"] = ConfigPath;
        foreach (var account in SandboxAccount.All) await BootstrapAsync(host, account, headless: true);
    }

    public async Task DisposeAsync() => await Sandbox.DisposeAsync();

    public void ResetKnobs()
    {
        var k = Sandbox.Knobs;
        k.Otp = "123456";
        k.ReportDelaySeconds = 0.5;
        k.Popup = "off";
        k.LicencePage = false;
        k.FailNext = 0;
        k.FailRate = 0;
        k.SlowMs = 0;
        k.HtmlInsteadOfFile = false;
        k.TruncatedFile = false;
        k.RenamedColumn = null;
        k.EmptyDays = [];
        k.ProcessingPolls = 2;
        k.NowIst = Now;
        k.OnlyStore = null;
    }

    /// <summary>A crm-etl.json for the sandbox: the spec's four stores, profiles under <paramref name="profiles"/>.</summary>
    public void WriteConfig(string path, string profiles)
    {
        var config = new
        {
            stores = SandboxAccount.All.Select(a => new
            {
                crm = a.Crm,
                id = a.StoreId,
                code = a.StoreCode,
                name = a.StoreId switch { "a668" => "Uttam Nagar", "a817" => "Kirti Nagar", "sector56" => "Sector 56", _ => "Sushant Lok" },
                costCenter = a.StoreId switch { "a668" => "UN3668", "a817" => "KN3817", "sector56" => "SC3567", _ => "SL1610" },
                profile = Path.Combine(profiles, $"{a.Crm}_{a.StoreId}.json"),
                exportMode = a.StoreId == "sushantlok1" ? "generateGST" : "export-report",
            }),
            crms = new Dictionary<string, object>
            {
                ["td"] = new { urls = new { subs = Sandbox.TdSubs, reports = Sandbox.TdReports } },
                ["uc"] = new { urls = new { store = Sandbox.UcStore } },
            },
            browser = new { executablePath = "/usr/bin/chromium", headless = true },
            timeouts = new { navigationSeconds = 15, reportSeconds = 40, loginMinutes = 1, storeMinutes = 3 },
            download = new { overlapDays = 1, firstRunDays = 3, maxDaysPerRequest = 7, attempts = 3, retryBackoffSeconds = 0.2 },
        };
        File.WriteAllText(path, JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true }));
    }

    internal async Task<HostProcess.Result> BootstrapAsync(HostProcess host, SandboxAccount account, bool headless)
    {
        host.Environment["CRMETL_BOOTSTRAP_USER"] = account.User;
        host.Environment["CRMETL_BOOTSTRAP_PASSWORD"] = account.Password;
        host.Environment["CRMETL_BOOTSTRAP_OTP"] = Sandbox.Knobs.Otp;
        var args = new List<string> { "bootstrap", "--crm", account.Crm, "--store", account.StoreId };
        if (headless) args.Add("--headless");
        var result = await host.RunAsync(args.ToArray());
        foreach (var key in new[] { "CRMETL_BOOTSTRAP_USER", "CRMETL_BOOTSTRAP_PASSWORD", "CRMETL_BOOTSTRAP_OTP" }) host.Environment.Remove(key);
        if (result.ExitCode != 0) throw new InvalidOperationException($"bootstrap of {account.StoreId} failed: {result}");
        return result;
    }
}

[CollectionDefinition("portals")]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>;
