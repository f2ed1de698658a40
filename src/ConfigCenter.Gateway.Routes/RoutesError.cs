namespace ConfigCenter.Gateway.Routes;

/// <summary>A rule a routes namespace broke: the item path (e.g. <c>Routes:orders:Match:Path</c>) and a sentence.</summary>
public sealed record RoutesError(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>The outcome of <see cref="RoutesReader.Read"/>: the routes when there are no errors.</summary>
public sealed record RoutesReadResult(GatewayRoutes? Routes, IReadOnlyList<RoutesError> Errors)
{
    /// <summary>True when the namespace is valid.</summary>
    public bool IsValid => Errors.Count == 0;
}
