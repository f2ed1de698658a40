namespace ConfigCenter.Gateway.Routes;

/// <summary>The outcome of <see cref="RoutesReader.Read"/>: the routes when there are no errors.</summary>
public sealed record RoutesReadResult(GatewayRoutes? Routes, IReadOnlyList<RoutesError> Errors)
{
    /// <summary>True when the namespace is valid.</summary>
    public bool IsValid => Errors.Count == 0;
}
