namespace ConfigCenter.Server.Features.Namespaces;

/// <summary>One key of a properties draft, with its comment.</summary>
public sealed record DraftItem(string Key, string? Value, string Comment);
