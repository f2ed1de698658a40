namespace ConfigCenter.Gateway.Routes;

/// <summary>The match of a route (<c>Routes:{id}:Match:…</c>): path template, hosts, methods and headers.</summary>
public sealed record RouteMatch
{
    /// <summary>An ASP.NET Core route template such as <c>/orders/{**rest}</c>. Required unless hosts are given.</summary>
    public string? Path { get; init; }

    /// <summary>Host names (with optional port or leading <c>*.</c>); empty = any.</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>HTTP methods; empty = any.</summary>
    public IReadOnlyList<string> Methods { get; init; } = [];

    /// <summary>Header conditions, all of which must hold.</summary>
    public IReadOnlyList<HeaderMatch> Headers { get; init; } = [];
}

/// <summary>A header condition (<c>Match:Headers:{n}:Name|Values|Mode</c>).</summary>
/// <param name="Name">The header name.</param>
/// <param name="Values">The values; empty for <c>Exists</c>/<c>NotExists</c>.</param>
/// <param name="Mode">ExactHeader (default), HeaderPrefix, Contains, NotContains, Exists or NotExists.</param>
public sealed record HeaderMatch(string Name, IReadOnlyList<string> Values, string Mode);
