using ConfigCenter.Server.Features.ApiKeys;
using ConfigCenter.Server.Features.Auth;
using ConfigCenter.Server.Features.Delivery;
using ConfigCenter.Server.Features.Namespaces;
using ConfigCenter.Storage;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Hosting;

/// <summary>
/// Runs before anything else starts: applies migrations, switches SQLite to WAL, creates the first admin,
/// and loads the current releases and API keys into memory.
/// </summary>
internal sealed class DatabaseInitializer(
    IDbContextFactory<ConfigCenterDbContext> dbFactory,
    AdminBootstrapper bootstrapper,
    ReleaseCache cache,
    ApiKeyStore keys,
    AccessDirectory access,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        var sealedEntries = await Features.Audit.AuditChainSealer.SealAsync(db, cancellationToken);
        if (sealedEntries > 0) logger.LogInformation("Chained {Count} audit entries written before the audit hash chain existed", sealedEntries);
        await bootstrapper.EnsureAdminAsync(db, cancellationToken);
        var current = await ReleaseQueries.CurrentReleases(db).AsNoTracking().ToListAsync(cancellationToken);
        foreach (var release in current) cache.TryUpdate(ReleaseMapper.ToDocument(release));
        await keys.LoadAsync(db, cancellationToken);
        await access.ReloadAsync(cancellationToken);
        logger.LogInformation("Store ready: {Namespaces} published namespaces loaded", current.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
