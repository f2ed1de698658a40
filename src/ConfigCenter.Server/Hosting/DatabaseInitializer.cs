using ConfigCenter.Server.Features.ApiKeys;
using ConfigCenter.Server.Features.Auth;
using ConfigCenter.Server.Features.Delivery;
using ConfigCenter.Server.Features.Namespaces;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ConfigCenter.Server.Hosting;

/// <summary>
/// Runs before anything else starts: applies migrations (SQLite: and switches to WAL; PostgreSQL: one replica at a time,
/// under an advisory lock), creates the first admin, and loads the current releases and API keys into memory.
/// </summary>
internal sealed class DatabaseInitializer(
    IDbContextFactory<ConfigCenterDbContext> dbFactory,
    AdminBootstrapper bootstrapper,
    ReleaseCache cache,
    ApiKeyStore keys,
    AccessDirectory access,
    IOptions<ConfigCenterServerOptions> options,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (options.Value.Store.IsPostgres) await PreparePostgresAsync(db, cancellationToken);
        else await PrepareSqliteAsync(db, cancellationToken);
        var current = await ReleaseQueries.CurrentReleases(db).AsNoTracking().ToListAsync(cancellationToken);
        foreach (var release in current) cache.TryUpdate(ReleaseMapper.ToDocument(release));
        await keys.LoadAsync(db, cancellationToken);
        await access.ReloadAsync(cancellationToken);
        logger.LogInformation("Store ready: {Namespaces} published namespaces loaded", current.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task PrepareSqliteAsync(ConfigCenterDbContext db, CancellationToken ct)
    {
        await db.Database.MigrateAsync(ct);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        var sealedEntries = await Features.Audit.AuditChainSealer.SealAsync(db, ct);
        if (sealedEntries > 0) logger.LogInformation("Chained {Count} audit entries written before the audit hash chain existed", sealedEntries);
        await bootstrapper.EnsureAdminAsync(db, ct);
    }

    /// <summary>
    /// Replicas that start together take turns: the first migrates, creates the audit triggers and the first admin while
    /// the others wait on the session advisory lock; they then find nothing left to do. The lock goes with the session if
    /// the replica dies half-way, and a migration runs in a transaction, so the next replica starts from a clean state.
    /// </summary>
    private async Task PreparePostgresAsync(ConfigCenterDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({PostgresStore.MigrationLockKey})", ct);
            try
            {
                var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
                if (pending.Count > 0)
                {
                    logger.LogInformation("Applying {Count} PostgreSQL migrations: {Migrations}", pending.Count, string.Join(", ", pending));
                    await db.Database.MigrateAsync(ct);
                }
                await db.Database.ExecuteSqlRawAsync(PostgresStore.AuditChainSql, ct);
                await bootstrapper.EnsureAdminAsync(db, ct);
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({PostgresStore.MigrationLockKey})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
