using Microsoft.Extensions.Configuration;

namespace ConfigCenter.Client.Internal;

/// <summary>Finds the running ConfigCenter sources in an application's configuration.</summary>
internal static class ConfigCenterRuntimes
{
    public static IReadOnlyList<ConfigCenterRuntime> From(IConfiguration configuration)
    {
        var runtimes = configuration is IConfigurationRoot root
            ? root.Providers.OfType<ConfigCenterConfigurationProvider>().Select(p => p.Runtime).OfType<ConfigCenterRuntime>().ToList()
            : [];
        if (runtimes.Count == 0)
        {
            throw new InvalidOperationException(
                "No ConfigCenter configuration source is loaded. Call builder.Configuration.AddConfigCenter(...) before using ConfigCenter services.");
        }
        return runtimes;
    }
}
