using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Audit;

/// <summary>Writes an audit entry on its own, for events that change no other row (sign-ins, failed sign-ins).</summary>
internal sealed class AuditWriter(IDbContextFactory<ConfigCenterDbContext> dbFactory, SqliteWriteGate writeGate, TimeProvider time)
{
    public async Task RecordAsync(string actor, string action, string target, string detail, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        AuditLog.Record(db, time.GetUtcNow(), actor, action, target, detail);
        using (await writeGate.EnterAsync(ct)) await db.SaveChangesAsync(ct);
    }

    /// <summary><c>auth.signin</c> or <c>auth.signin.failed</c>, by the name that was tried (cut to a sane length), for <paramref name="via"/> (ui, token).</summary>
    public Task RecordSignInAsync(string? username, bool succeeded, string via, CancellationToken ct)
    {
        var name = string.IsNullOrEmpty(username) ? "(none)" : username.Length > MaxNameLength ? username[..MaxNameLength] : username;
        return RecordAsync(name, succeeded ? "auth.signin" : "auth.signin.failed", $"signin:{via}", "", ct);
    }

    private const int MaxNameLength = 200;
}
