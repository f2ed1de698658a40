namespace ConfigCenter.Server.Features.Auth;

/// <summary>Scheme, policy and claim names.</summary>
public static class AuthConstants
{
    public const string CookieScheme = "Cookies";
    public const string BearerScheme = "Bearer";
    public const string ApiKeyScheme = "ApiKey";
    public const string SmartScheme = "Smart";

    /// <summary>A signed-in person (cookie or bearer token), never a client key.</summary>
    public const string ManagementPolicy = "Management";
    public const string AdminPolicy = "Admin";
    /// <summary>A client API key.</summary>
    public const string ClientPolicy = "Client";

    public const string KindClaim = "cc:kind";
    public const string UserKind = "user";
    public const string ClientKind = "client";
    public const string AppClaim = "cc:app";
    public const string EnvClaim = "cc:env";
    /// <summary>The id of the client API key a connection authenticated with.</summary>
    public const string KeyIdClaim = "cc:key";
    public const string AdminRole = "admin";
}
