namespace CrmEtl.Tests.Support;

/// <summary>A fresh, migrated database for one test class.</summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync() => ConnectionString = await TestCluster.CreateMigratedDatabaseAsync("it");

    public Task DisposeAsync() => Task.CompletedTask;
}
