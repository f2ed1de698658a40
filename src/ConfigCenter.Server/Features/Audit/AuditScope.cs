namespace ConfigCenter.Server.Features.Audit;

/// <summary>
/// Where the current operation comes from, for the audit entries it writes. Set once per request by
/// <see cref="AuditScopeMiddleware"/> (after the forwarded-headers middleware, so a trusted proxy's client address counts)
/// and once per UI event by the circuit handler; services read it instead of taking an address parameter on every call.
/// </summary>
internal static class AuditScope
{
    private static readonly AsyncLocal<string?> CurrentAddress = new();

    /// <summary>The client's address, or empty for work the server starts on its own.</summary>
    public static string Address => CurrentAddress.Value ?? "";

    public static void Set(string? address) => CurrentAddress.Value = address;
}
