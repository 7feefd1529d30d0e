using CrmEtl.Host;
using Npgsql;

namespace CrmEtl.Tests.Cli;

public class ConfiguredDatabaseTests
{
    [Theory]
    [InlineData("Host=db;Username=etl;Database=warehouse", 0)]
    [InlineData("Host=db;Database=warehouse;Command Timeout=120", 120)]
    [InlineData("Host=db;Database=warehouse;CommandTimeout=45", 45)]
    [InlineData("host=db;database=warehouse;command timeout=30", 30)]
    public void A_configured_database_has_no_statement_limit_unless_its_connection_string_sets_one(string configured, int expected)
    {
        var used = new NpgsqlConnectionStringBuilder(HostContext.WithoutCommandTimeout(configured));
        Assert.Equal(expected, used.CommandTimeout);
        Assert.Equal("db", used.Host);
        Assert.Equal("warehouse", used.Database);
    }
}
