using CrmEtl.Host.Downloads;
using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Portals;

/// <summary>The per-store lock on a real PostgreSQL, through the same connection pool a run uses.</summary>
public sealed class StoreLockTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_released_store_is_free_for_the_next_run_in_the_same_process()
    {
        // Two stores at once, as a parallel run holds them; both go back to the connection pool.
        var a = await StoreLock.TryAcquireAsync(db.ConnectionString, "td", "lock-a", default);
        var b = await StoreLock.TryAcquireAsync(db.ConnectionString, "td", "lock-b", default);
        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.Null(await StoreLock.TryAcquireAsync(db.ConnectionString, "td", "lock-a", default)); // held
        await a.DisposeAsync();
        await b.DisposeAsync();

        // The next run takes both again, whichever pooled connection it is given.
        await using var again = await StoreLock.TryAcquireAsync(db.ConnectionString, "td", "lock-a", default);
        await using var againB = await StoreLock.TryAcquireAsync(db.ConnectionString, "td", "lock-b", default);
        Assert.NotNull(again);
        Assert.NotNull(againB);
    }
}
