using ConfigCenter.Server.Features.Auth;

namespace ConfigCenter.Server.Components;

/// <summary>The policies UI pages declare: pages without an app in the route need a signed-in user, app pages a role in the app.</summary>
internal static class UiAuth
{
    public const string Policy = AuthConstants.ManagementPolicy;
    public const string AppPolicy = AuthConstants.AppReadPolicy;
    public const string AdminPolicy = AuthConstants.AdminPolicy;
}
