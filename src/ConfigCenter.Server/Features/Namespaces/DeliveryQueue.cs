using ConfigCenter.Contracts;
using ConfigCenter.Storage;
using ConfigCenter.Storage.Entities;

namespace ConfigCenter.Server.Features.Namespaces;

/// <summary>
/// Queues what etcd must hold, as outbox rows in the caller's unit of work (so they commit with the change):
/// a release's exact document bytes, or — for a deleted app — an empty document that deletes the key.
/// </summary>
internal static class DeliveryQueue
{
    public static void Publish(ConfigCenterDbContext db, string prefix, ReleaseEntity release, byte[] document, DateTimeOffset at) =>
        db.Outbox.Add(new OutboxEntity
        {
            EtcdKey = EtcdKeys.Config(prefix, release.EnvironmentId, release.AppId, release.Namespace),
            Revision = release.Revision,
            Generation = release.Generation,
            Document = document,
            CreatedAt = at,
            TraceParent = Telemetry.ServerTracing.CurrentTraceParent(),
        });

    /// <summary>Removes a namespace's document from etcd; ordered after any release of it still queued.</summary>
    public static void Delete(ConfigCenterDbContext db, string prefix, string env, string app, string ns, long revision, string generation, DateTimeOffset at) =>
        db.Outbox.Add(new OutboxEntity
        {
            EtcdKey = EtcdKeys.Config(prefix, env, app, ns),
            Revision = revision,
            Generation = generation,
            Document = [],
            CreatedAt = at,
            TraceParent = Telemetry.ServerTracing.CurrentTraceParent(),
        });
}
