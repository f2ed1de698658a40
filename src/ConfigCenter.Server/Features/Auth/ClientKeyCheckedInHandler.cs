namespace ConfigCenter.Server.Features.Auth;

/// <summary>
/// Endpoint metadata: the endpoint is short-circuited past the authorization middleware and checks a client API key
/// itself (the client read path). Declares its policy as <see cref="AuthConstants.ClientPolicy"/> for the tests that
/// enumerate endpoints.
/// </summary>
public sealed class ClientKeyCheckedInHandler
{
    public static readonly ClientKeyCheckedInHandler Instance = new();

    public string Policy => AuthConstants.ClientPolicy;
}
