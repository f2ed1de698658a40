namespace ConfigCenter.Server.Features.Auth;

/// <summary>What a user wants to do with an app (and environment).</summary>
public enum AppRight
{
    Read,
    Edit,
    Publish,
    Manage,
}

/// <summary>The app roles a user can hold.</summary>
public static class AppRoles
{
    public const string Owner = "Owner";
    public const string Editor = "Editor";
    public const string Viewer = "Viewer";

    public static readonly string[] All = [Owner, Editor, Viewer];

    public static string? Normalize(string? role) => All.FirstOrDefault(r => string.Equals(r, role, StringComparison.OrdinalIgnoreCase));
}

/// <summary>An app and environment to check a right against, for callers that are not endpoints (UI pages).</summary>
public sealed record AppScope(string? App, string? Env);
