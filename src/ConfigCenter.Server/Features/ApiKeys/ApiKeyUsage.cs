using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.ApiKeys;

/// <summary>
/// Every few seconds: writes the keys' last use and first-use re-hashes that <see cref="ApiKeyStore"/> recorded in
/// memory (the read path never writes SQLite), and ends keys whose rotation grace period is over.
/// </summary>
internal sealed class ApiKeyUsage(
    ApiKeyStore store,
    IDbContextFactory<ConfigCenterDbContext> dbFactory,
    SqliteWriteGate writeGate,
    TimeProvider time,
    ILogger<ApiKeyUsage> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await FlushAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Writing API key usage failed; retrying in {Interval}", Interval);
            }
        }
    }

    public async Task FlushAsync(CancellationToken ct)
    {
        var expired = store.RemoveExpired();
        var (used, rehashed) = store.TakePending();
        if (expired.Count == 0 && used.Count == 0 && rehashed.Count == 0) return;
        using var _ = await writeGate.EnterAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = used.Keys.Concat(rehashed.Keys).Concat(expired).Distinct().ToList();
        var keys = await db.ApiKeys.Where(k => ids.Contains(k.Id)).ToListAsync(ct);
        var now = time.GetUtcNow();
        foreach (var key in keys)
        {
            if (used.TryGetValue(key.Id, out var at)) key.LastUsedAt = at;
            if (rehashed.TryGetValue(key.Id, out var hash)) (key.KeyHash, key.HashVersion) = (hash, 1);
            if (expired.Contains(key.Id) && key.RevokedAt is null) key.RevokedAt = key.ExpiresAt ?? now;
        }
        await db.SaveChangesAsync(ct);
    }
}
