namespace ConfigCenter.Core;

/// <summary>What changed between two sets of items, each list sorted by key.</summary>
public sealed record ItemsDiff(IReadOnlyList<DiffEntry> Added, IReadOnlyList<DiffEntry> Changed, IReadOnlyList<DiffEntry> Removed)
{
    /// <summary>True when nothing was added, changed or removed.</summary>
    public bool IsEmpty => Added.Count == 0 && Changed.Count == 0 && Removed.Count == 0;
}
