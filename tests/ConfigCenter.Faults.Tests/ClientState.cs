namespace ConfigCenter.Faults.Tests;

/// <summary>What a fault client process reports at <c>GET /state</c>.</summary>
internal sealed record ClientState(IReadOnlyDictionary<string, long> Revisions, string? Seq, string? Etcd, string? Registered, string Health)
{
    /// <summary>The applied revision of <paramref name="ns"/>, 0 before any.</summary>
    public long Revision(string ns) => Revisions.TryGetValue(ns, out var revision) ? revision : 0;
}
