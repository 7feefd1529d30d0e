using System.Text.Json;
using CrmEtl.Sandbox;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Portals;

[Collection("portals")]
public sealed class BootstrapTests(PortalFixture portals)
{
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task A_headed_login_with_OTP_saves_a_private_session_that_downloads(int account)
    {
        portals.ResetKnobs();
        portals.Sandbox.Knobs.LicencePage = true;
        var dir = Repo.TempDir("bootstrap");
        var config = Path.Combine(dir, "crm-etl.json");
        portals.WriteConfig(config, Path.Combine(dir, "profiles"));
        var store = SandboxAccount.All[account];
        var host = new HostProcess(await TestCluster.CreateMigratedDatabaseAsync("boot"));
        host.Environment["CRMETL_CONFIG"] = config;
        host.Environment.Remove("DISPLAY");

        var result = await portals.BootstrapAsync(host, store, headless: false);

        var profile = Path.Combine(dir, "profiles", $"{store.Crm}_{store.StoreId}.json");
        Assert.Contains($"saved the session of {store.Crm}/{store.StoreId} to {profile}", result.Stdout);
        Assert.Contains("the portal asks for an OTP", result.Stderr);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(profile));
        var state = JsonDocument.Parse(await File.ReadAllTextAsync(profile)).RootElement;
        Assert.True(state.GetProperty("cookies").GetArrayLength() > 0);
        Assert.DoesNotContain(store.Password, await File.ReadAllTextAsync(profile));
        Assert.DoesNotContain(store.Password, result.Stdout + result.Stderr);

        var download = await host.RunAsync("download", "--crm", store.Crm, "--store", store.StoreId, "--from", "2025-11-12", "--to", "2025-11-12");
        Assert.True(download.ExitCode == 0, download.ToString());
        portals.ResetKnobs();
    }

    [Fact]
    public async Task A_wrong_OTP_fails_and_saves_nothing()
    {
        portals.ResetKnobs();
        var dir = Repo.TempDir("bootstrap-bad");
        var config = Path.Combine(dir, "crm-etl.json");
        portals.WriteConfig(config, Path.Combine(dir, "profiles"));
        var host = new HostProcess(await TestCluster.CreateMigratedDatabaseAsync("boot"));
        host.Environment["CRMETL_CONFIG"] = config;
        portals.Sandbox.Knobs.Otp = "999999";
        host.Environment["CRMETL_BOOTSTRAP_USER"] = SandboxAccount.All[1].User;
        host.Environment["CRMETL_BOOTSTRAP_PASSWORD"] = SandboxAccount.All[1].Password;
        host.Environment["CRMETL_BOOTSTRAP_OTP"] = "111111";

        var result = await host.RunAsync("bootstrap", "--crm", "td", "--store", "a817", "--headless");

        Assert.Equal(1, result.ExitCode);
        Assert.False(File.Exists(Path.Combine(dir, "profiles", "td_a817.json")));
        portals.ResetKnobs();
    }
}
