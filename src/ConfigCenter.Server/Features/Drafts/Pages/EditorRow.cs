namespace ConfigCenter.Server.Features.Drafts.Pages;

/// <summary>How a draft key differs from the live release.</summary>
public enum KeyState
{
    Unchanged,
    Added,
    Changed,
}

/// <summary>One row of the properties grid.</summary>
public sealed record EditorRow(string Key, string? Value, string Comment, KeyState State, string? LiveValue, bool Secret = false);

/// <summary>An edit the grid asks the page to save; <paramref name="OriginalKey"/> is null for a new key.</summary>
public sealed record ItemEdit(string? OriginalKey, string Key, string? Value, string Comment);
