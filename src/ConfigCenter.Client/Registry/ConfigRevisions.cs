using ConfigCenter.Client.Internal;
using Microsoft.Extensions.Configuration;

namespace ConfigCenter.Client.Registry;

/// <summary>The config revisions an instance applied, as its registry entry carries them.</summary>
internal static class ConfigRevisions
{
    /// <summary>The change notifications of this process's ConfigCenter sources; null when configuration has none.</summary>
    public static IConfigCenterChanges? Find(IServiceProvider services)
    {
        try
        {
            // AddConfigCenterChanges() registers one that throws on resolution when configuration has no source.
            if (services.GetService(typeof(IConfigCenterChanges)) is IConfigCenterChanges registered) return registered;
            return services.GetService(typeof(IConfiguration)) is IConfiguration configuration ? new ConfigCenterChanges(configuration) : null;
        }
        catch (InvalidOperationException)
        {
            return null; // The app registers without using the config provider.
        }
    }

    /// <summary>Namespace → revision for the app's own namespaces; <c>{app}/{env}/{namespace}</c> for any other source.</summary>
    public static IReadOnlyDictionary<string, long> Of(IConfigCenterChanges? changes, string app, string environment)
    {
        var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
        if (changes is null) return result;
        foreach (var (ns, revision) in changes.AppliedRevisions)
        {
            var key = ns.App == app && ns.Environment == environment ? ns.Namespace : $"{ns.App}/{ns.Environment}/{ns.Namespace}";
            result[key] = revision;
        }
        return result;
    }

    public static bool Same(IReadOnlyDictionary<string, long> a, IReadOnlyDictionary<string, long> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var r) && r == p.Value);
}
