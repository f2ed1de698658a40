namespace ConfigCenter.Server.Features.Namespaces;

/// <summary>One key of a properties draft, with its comment; a secret item's value is its envelope (or masked, when shown).</summary>
public sealed record DraftItem(string Key, string? Value, string Comment, bool Secret = false);
