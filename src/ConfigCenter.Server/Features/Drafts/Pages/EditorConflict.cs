using ConfigCenter.Core;

namespace ConfigCenter.Server.Features.Drafts.Pages;

/// <summary>
/// A save refused with 412: <paramref name="TheirChanges"/> is what the other editor changed since this page
/// loaded the draft; <paramref name="Retry"/> applies my edit again on top of their version.
/// </summary>
public sealed record EditorConflict(string? By, ItemsDiff TheirChanges, string MyChange, Func<Task> Retry);
