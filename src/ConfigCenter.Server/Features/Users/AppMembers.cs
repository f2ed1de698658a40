using ConfigCenter.Server.Features.Audit;
using ConfigCenter.Server.Features.Auth;
using ConfigCenter.Server.Features.Namespaces;
using ConfigCenter.Server.Infrastructure;
using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;
using Microsoft.EntityFrameworkCore;

namespace ConfigCenter.Server.Features.Users;

/// <summary>An app's members and their roles, managed by the app's Owners (and Admins).</summary>
public sealed class AppMembers(IDbContextFactory<ConfigCenterDbContext> dbFactory, SqliteWriteGate writeGate, AccessDirectory directory, TimeProvider time)
{
    public async Task<IReadOnlyList<MemberView>> ListAsync(string app, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await NamespaceLookup.RequireAppAsync(db, app, ct);
        return await db.AppMembers.AsNoTracking().Where(m => m.AppId == app)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { u.Id, u.UserName, m.Role })
            .OrderBy(m => m.UserName).Select(m => new MemberView(m.Id, m.UserName, m.Role)).ToListAsync(ct);
    }

    /// <summary>Gives the user a role in the app (or changes it); null role removes them.</summary>
    public async Task SetAsync(string app, string userName, string? role, string actor, CancellationToken ct)
    {
        var normalized = role is null ? null : AppRoles.Normalize(role) ?? throw ConfigCenterException.Invalid("role", "The role is Owner, Editor or Viewer.");
        using (await writeGate.EnterAsync(ct))
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await NamespaceLookup.RequireAppAsync(db, app, ct);
            var user = await db.Users.FirstOrDefaultAsync(u => u.UserName == userName, ct) ?? throw ConfigCenterException.NotFound($"There is no user '{userName}'.");
            var member = await db.AppMembers.FirstOrDefaultAsync(m => m.AppId == app && m.UserId == user.Id, ct);
            if (normalized is null)
            {
                if (member is null) throw ConfigCenterException.NotFound($"'{userName}' is not a member of {app}.");
                db.AppMembers.Remove(member);
            }
            else if (member is null) db.AppMembers.Add(new AppMemberEntity { AppId = app, UserId = user.Id, Role = normalized });
            else member.Role = normalized;
            // A lost or lowered role takes effect on the next check anyway (roles are read live); the new stamp also
            // ends the user's open sessions so no page keeps showing what they may no longer do.
            user.SecurityStamp = UserAccounts.NewStamp();
            AuditLog.Record(db, time.GetUtcNow(), actor, normalized is null ? "app.member.remove" : "app.member.set", app, $"{userName}:{normalized}");
            await db.SaveChangesAsync(ct);
        }
        await directory.ReloadAsync(ct);
    }
}
