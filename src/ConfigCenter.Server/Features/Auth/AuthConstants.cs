namespace ConfigCenter.Server.Features.Auth;

/// <summary>Scheme, policy and claim names.</summary>
public static class AuthConstants
{
    public const string CookieScheme = "Cookies";
    public const string BearerScheme = "Bearer";
    public const string ApiKeyScheme = "ApiKey";
    /// <summary>Personal access tokens (<c>Authorization: Bearer ccp_…</c>).</summary>
    public const string PatScheme = "Pat";
    public const string SmartScheme = "Smart";

    /// <summary>Any signed-in, enabled person (cookie, bearer token or personal access token), never a client key.</summary>
    public const string ManagementPolicy = "Management";
    /// <summary>The system Admin role.</summary>
    public const string AdminPolicy = "Admin";
    /// <summary>A signed-in person who may still have to change their password: only their own account endpoints.</summary>
    public const string AccountPolicy = "Account";
    /// <summary>Viewer, Editor or Owner of the route's <c>{app}</c>, or a Publisher covering it.</summary>
    public const string AppReadPolicy = "AppRead";
    /// <summary>Editor or Owner of the route's <c>{app}</c>: edit drafts.</summary>
    public const string AppEditPolicy = "AppEdit";
    /// <summary>Publisher for the route's <c>{env}</c> (for its <c>{app}</c> or for every app): publish and roll back.</summary>
    public const string AppPublishPolicy = "AppPublish";
    /// <summary>Owner of the route's <c>{app}</c>: members, namespaces and client keys.</summary>
    public const string AppManagePolicy = "AppManage";
    /// <summary>A client API key.</summary>
    public const string ClientPolicy = "Client";

    public const string KindClaim = "cc:kind";
    public const string UserKind = "user";
    public const string ClientKind = "client";
    public const string AppClaim = "cc:app";
    public const string EnvClaim = "cc:env";
    /// <summary>The user's security stamp when the session began; a session whose stamp is stale ends.</summary>
    public const string StampClaim = "cc:stamp";
    /// <summary>The id of the client API key a connection authenticated with.</summary>
    public const string KeyIdClaim = "cc:key";
    public const string AdminRole = "admin";
    public const string UserRole = "user";

    /// <summary>
    /// The scheme person-facing policies authenticate with: it forwards to the cookie, bearer token or personal access
    /// token scheme by what the request carries, so exactly one of them challenges (a redirect for pages, 401 for the API).
    /// </summary>
    public static readonly string[] UserSchemes = [SmartScheme];
}
