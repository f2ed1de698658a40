using ConfigCenter.Server.Features.Namespaces;
namespace ConfigCenter.Server.Features.Drafts;


/// <summary>The draft of one namespace in one environment (DESIGN.md §4.5), plus its version for If-Match.</summary>
public sealed record DraftView(
    string Format,
    IReadOnlyList<DraftItem> Items,
    string Content,
    long? PublishedRevision,
    bool HasChanges,
    long Version)
{
    public string ETag => $"\"{Version}\"";
}

/// <summary>The body of <c>PUT …/items/{key}</c>; <c>secret</c> true/false marks or unmarks the item, absent keeps its flag.</summary>
public sealed record SetItemRequest(string? Value, string? Comment, bool? Secret = null);

/// <summary>The body of <c>PUT …/content</c>.</summary>
public sealed record SetContentRequest(string? Content);
