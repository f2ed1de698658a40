using Microsoft.Extensions.Configuration;

namespace ConfigCenter.Client;

/// <summary>A configuration source that loads and hot-reloads releases from ConfigCenter.</summary>
public sealed class ConfigCenterConfigurationSource : IConfigurationSource
{
    /// <summary>The settings of this source.</summary>
    public ConfigCenterOptions Options { get; set; } = new();

    /// <summary>Creates the provider; the transports start when the configuration is built (on first load).</summary>
    /// <param name="builder">The configuration builder.</param>
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new ConfigCenterConfigurationProvider(Options);
}
