namespace ConfigCenter.SampleService;

/// <summary>The sample's typed settings, bound from the <c>Sample</c> section that ConfigCenter delivers.</summary>
public sealed class SampleSettings
{
    public const string Section = "Sample";

    public string Greeting { get; set; } = "hello (default)";

    public int MaxItems { get; set; } = 10;
}
