namespace ConfigCenter.Client.Tests.Infrastructure;

/// <summary>A typed options class bound from the root of the configuration, as a service would.</summary>
public sealed class TestSettings
{
    public string? Greeting { get; set; }

    public string? Color { get; set; }

    public PoolSettings Pool { get; set; } = new();

    public sealed class PoolSettings
    {
        public int Size { get; set; }
    }
}
