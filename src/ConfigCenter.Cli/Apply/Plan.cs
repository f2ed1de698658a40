using ConfigCenter.Cli.Api;
using ConfigCenter.Core;

namespace ConfigCenter.Cli.Apply;

/// <summary>What apply would do, computed before anything is written.</summary>
internal sealed record Plan(
    IReadOnlyList<string> EnvironmentsToCreate,
    IReadOnlyList<DesiredApp> AppsToCreate,
    IReadOnlyList<(string App, DesiredNamespace Namespace)> NamespacesToCreate,
    IReadOnlyList<DraftChange> Drafts,
    IReadOnlyList<string> AppsToDelete)
{
    public bool IsEmpty => EnvironmentsToCreate.Count == 0 && AppsToCreate.Count == 0 && NamespacesToCreate.Count == 0
        && AppsToDelete.Count == 0 && Drafts.All(d => !d.WritesDraft && !d.Publishes);
}

/// <summary>
/// One namespace's draft in one environment: <see cref="DraftDiff"/> is what the draft write changes,
/// <see cref="Publishes"/> whether the result differs from the live release (so applying twice publishes nothing).
/// </summary>
internal sealed record DraftChange(NamespaceRef Target, DraftView? Current, IReadOnlyDictionary<string, string?> CurrentItems,
    IReadOnlyDictionary<string, string?> Desired, ItemsDiff DraftDiff, ItemsDiff LiveDiff, ConfigFile? Source)
{
    public bool WritesDraft => !DraftWriter.IsEmpty(DraftDiff);
    public bool Publishes => !DraftWriter.IsEmpty(LiveDiff);
}
