namespace ConfigCenter.Gateway.Routes;

/// <summary>A rule a routes namespace broke: the item path (e.g. <c>Routes:orders:Match:Path</c>) and a sentence.</summary>
public sealed record RoutesError(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}
