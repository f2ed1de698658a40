using Microsoft.AspNetCore.Authorization;

namespace ConfigCenter.Server.Features.Auth;

/// <summary>The user holds <see cref="Right"/> on the <c>{app}</c>/<c>{env}</c> of the request (or page) being authorized.</summary>
public sealed record AppAccessRequirement(AppRight Right) : IAuthorizationRequirement;

/// <summary>
/// The principal is a person whose account exists, is enabled, whose session stamp is current and — unless
/// <see cref="AllowPasswordChangePending"/> — who has no pending password change.
/// </summary>
public sealed record ActiveUserRequirement(bool AllowPasswordChangePending) : IAuthorizationRequirement;

/// <summary>The system Admin role, read from the live user directory rather than the session's claims.</summary>
public sealed record SystemAdminRequirement : IAuthorizationRequirement;
