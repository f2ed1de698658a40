namespace ConfigCenter.Server.Features.Namespaces;

/// <summary>Tells open editor pages that a draft changed, so a second editor sees the edit and its author.</summary>
public sealed class DraftNotifier
{
    public event Action<DraftChanged>? DraftChanged;

    /// <summary>Raised for drafts changed on this replica, so other replicas' editors hear of them (ReplicaSignals).</summary>
    public event Action<DraftChanged>? ChangedHere;

    public void Changed(string app, string env, string ns, long version, string user)
    {
        var changed = new DraftChanged(app, env, ns, version, user);
        DraftChanged?.Invoke(changed);
        ChangedHere?.Invoke(changed);
    }

    /// <summary>A draft changed on another replica: tell this replica's open pages only.</summary>
    public void ChangedOnAnotherReplica(DraftChanged changed) => DraftChanged?.Invoke(changed);
}

/// <summary>A draft reached <paramref name="Version"/> through an edit by <paramref name="User"/>.</summary>
public sealed record DraftChanged(string App, string Env, string Namespace, long Version, string User);
