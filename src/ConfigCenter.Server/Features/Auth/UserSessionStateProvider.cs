using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace ConfigCenter.Server.Features.Auth;

/// <summary>
/// The authentication state of a UI circuit. A circuit outlives the request that opened it, so it re-checks the user's
/// session against <see cref="AccessDirectory"/> every few seconds, and ends at once when the directory announces that
/// the user's sessions ended (sign-out in another tab, disabled, password or roles changed): the page then shows the
/// sign-in redirect instead of controls that would act as the user.
/// </summary>
internal sealed class UserSessionStateProvider : RevalidatingServerAuthenticationStateProvider
{
    private static readonly Task<AuthenticationState> Anonymous = Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity())));
    private readonly AccessDirectory _directory;

    public UserSessionStateProvider(ILoggerFactory loggerFactory, AccessDirectory directory) : base(loggerFactory)
    {
        _directory = directory;
        _directory.SessionsEnded += OnSessionsEnded;
    }

    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(10);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        Task.FromResult(authenticationState.User.Identity?.IsAuthenticated != true || _directory.IsCurrent(authenticationState.User));

    private void OnSessionsEnded(int userId)
    {
        var state = GetAuthenticationStateAsync();
        if (!state.IsCompletedSuccessfully || state.Result.User.UserId() != userId) return;
        if (_directory.IsCurrent(state.Result.User)) return;
        NotifyAuthenticationStateChanged(Anonymous);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _directory.SessionsEnded -= OnSessionsEnded;
        base.Dispose(disposing);
    }
}
