namespace ConfigCenter.Server.Features.Drafts.Pages;

/// <summary>The release services currently read, as the editor compares the draft with it.</summary>
public sealed record LiveRelease(long Revision, IReadOnlyDictionary<string, string?> Items);
