namespace ConfigCenter.Server.Features.Users;

public sealed record AppMembership(string App, string Role);

public sealed record PublisherRight(string Env, string? App);

/// <summary>A user as <c>GET /api/v1/users</c> lists them (never a hash).</summary>
public sealed record UserView(int Id, string UserName, bool IsAdmin, bool Disabled, bool MustChangePassword, DateTimeOffset? LockedUntil,
    DateTimeOffset CreatedAt, IReadOnlyList<AppMembership> Apps, IReadOnlyList<PublisherRight> Publisher);

public sealed record CreateUserRequest(string? UserName, string? Password, bool IsAdmin = false, bool MustChangePassword = true);

/// <summary>Replaces the user's system role, app roles and publisher rights.</summary>
public sealed record SetRolesRequest(bool IsAdmin, IReadOnlyList<AppMembership>? Apps, IReadOnlyList<PublisherRight>? Publisher);

public sealed record ResetPasswordRequest(string? Password, bool MustChangePassword = true);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

public sealed record SetMemberRequest(string? Role);

public sealed record MemberView(int UserId, string UserName, string Role);

public sealed record MeView(int Id, string UserName, bool IsAdmin, bool MustChangePassword, IReadOnlyList<AppMembership> Apps, IReadOnlyList<PublisherRight> Publisher);
