using Microsoft.AspNetCore.Authentication;

namespace ConfigCenter.Server.Features.Auth;

/// <summary>
/// Wraps the bearer token protector so a token whose user signed out, changed password or roles, or was disabled no
/// longer unprotects: the request is then unauthenticated (401), not merely forbidden.
/// </summary>
internal sealed class StampCheckingTicketFormat(ISecureDataFormat<AuthenticationTicket> inner, AccessDirectory directory) : ISecureDataFormat<AuthenticationTicket>
{
    public string Protect(AuthenticationTicket data) => inner.Protect(data);

    public string Protect(AuthenticationTicket data, string? purpose) => inner.Protect(data, purpose);

    public AuthenticationTicket? Unprotect(string? protectedText) => Check(inner.Unprotect(protectedText));

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose) => Check(inner.Unprotect(protectedText, purpose));

    private AuthenticationTicket? Check(AuthenticationTicket? ticket) => ticket is not null && directory.IsCurrent(ticket.Principal) ? ticket : null;
}
