using CrmEtl.Host.Browser;
using CrmEtl.Abstractions.Portals;

namespace CrmEtl.Tests.Portals;

public sealed class StorageStateTests
{
    private const string State = """
        {"cookies":[{"name":"sid","value":"c","domain":"store.example","path":"/","expires":-1,"httpOnly":true,"secure":true,"sameSite":"Lax"}],
         "origins":[{"origin":"https://other.example","localStorage":[{"name":"token","value":"not-this"}]},
                    {"origin":"https://store.example","localStorage":[{"name":"theme","value":"dark"},{"name":"token","value":"t-123"}]}]}
        """;

    [Theory]
    [InlineData("https://store.example", "token", "t-123")]
    [InlineData("https://STORE.example/api/v1/x?y=1", "token", "t-123")] // any URL of the origin
    [InlineData("https://other.example", "token", "not-this")]
    [InlineData("https://store.example", "missing", null)]
    [InlineData("https://store.example:8443", "token", null)] // another port is another origin
    [InlineData("http://store.example", "token", null)]
    public void A_local_storage_value_is_read_for_the_origin_of_the_url(string url, string name, string? expected) =>
        Assert.Equal(expected, PortalSession.LocalStorageItem(State, url, name));

    [Fact]
    public void A_state_without_origins_has_no_values() =>
        Assert.Null(PortalSession.LocalStorageItem("""{"cookies":[]}""", "https://store.example", "token"));

    [Fact]
    public void Origins_that_are_not_the_portals_addresses_are_dropped_with_their_count()
    {
        var (kept, dropped) = StorageState.KeepOrigins(State, ["https://store.example/login", "https://api.store.example"]);

        Assert.Equal(1, dropped);
        Assert.Equal("t-123", PortalSession.LocalStorageItem(kept, "https://store.example", "token"));
        Assert.Null(PortalSession.LocalStorageItem(kept, "https://other.example", "token"));
        Assert.Contains("\"sid\"", kept); // cookies untouched
    }

    [Fact]
    public void A_state_with_only_the_portals_origins_or_no_addresses_to_keep_is_returned_as_it_is()
    {
        Assert.Equal((State, 0), StorageState.KeepOrigins(State, ["https://store.example", "https://other.example"]));
        Assert.Equal((State, 0), StorageState.KeepOrigins(State, []));
    }

    [Fact]
    public void A_session_reads_its_saved_state_and_without_one_answers_null()
    {
        var session = new PortalSession(null!, new PortalStore("uc", "s", "UC1", "S", null), new Dictionary<string, string>(), new PortalTimeouts(), _ => { });
        Assert.Null(session.SavedLocalStorage("https://store.example", "token"));
        Assert.Equal("t-123", (session with { SavedState = State }).SavedLocalStorage("https://store.example", "token"));
    }
}
