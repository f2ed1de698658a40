namespace ConfigCenter.Core;

/// <summary>One key's change between two sets of items; the missing side is null.</summary>
public sealed record DiffEntry(string Key, string? OldValue, string? NewValue);
