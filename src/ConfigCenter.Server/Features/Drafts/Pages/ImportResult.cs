using ConfigCenter.Server.Features.Namespaces;
namespace ConfigCenter.Server.Features.Drafts.Pages;

/// <summary>What an import produced: the full new key set of a properties draft, or the new text of a document draft.</summary>
public sealed record ImportResult(IReadOnlyList<DraftItem>? Items, string? Content, int Changes);
