using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;

namespace ConfigCenter.Server.Features.Audit;

/// <summary>Adds audit entries to the caller's unit of work, so they commit with the change they record.</summary>
internal static class AuditLog
{
    public static void Record(ConfigCenterDbContext db, DateTimeOffset at, string actor, string action, string target, string detail = "") =>
        db.Audit.Add(new AuditEntity { At = at, Actor = actor, Action = action, Target = target, Detail = detail });
}
