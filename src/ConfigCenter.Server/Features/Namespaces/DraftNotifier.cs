namespace ConfigCenter.Server.Features.Namespaces;

/// <summary>Tells open editor pages that a draft changed, so a second editor sees the edit and its author.</summary>
public sealed class DraftNotifier
{
    public event Action<DraftChanged>? DraftChanged;

    public void Changed(string app, string env, string ns, long version, string user) =>
        DraftChanged?.Invoke(new DraftChanged(app, env, ns, version, user));
}

/// <summary>A draft reached <paramref name="Version"/> through an edit by <paramref name="User"/>.</summary>
public sealed record DraftChanged(string App, string Env, string Namespace, long Version, string User);
