using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Storage;

/// <summary>Unit-of-work helpers for the context factory.</summary>
public static class DbContextFactoryExtensions
{
    /// <summary>
    /// A context whose connection is already open and stays open until it is disposed. EF Core otherwise
    /// opens and closes the connection around every query and save, and each SQLite open re-registers
    /// EF's functions on the connection: a request with four statements pays that once instead of four times.
    /// </summary>
    public static async Task<TContext> CreateOpenedAsync<TContext>(this IDbContextFactory<TContext> factory, CancellationToken ct)
        where TContext : DbContext
    {
        var db = await factory.CreateDbContextAsync(ct);
        try
        {
            await db.Database.OpenConnectionAsync(ct);
            return db;
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }
}
