namespace ConfigCenter.Contracts;

/// <summary>The etcd key layout (DESIGN.md §4.1). Keys are UTF-8, segments joined by '/'.</summary>
public static class EtcdKeys
{
    /// <summary>The default key prefix.</summary>
    public const string DefaultPrefix = "/configcenter";

    /// <summary>Normalizes a prefix: leading '/', no trailing '/'.</summary>
    public static string NormalizePrefix(string? prefix)
    {
        var p = string.IsNullOrWhiteSpace(prefix) ? DefaultPrefix : prefix.Trim();
        if (!p.StartsWith('/')) p = "/" + p;
        return p.TrimEnd('/');
    }

    /// <summary><c>{prefix}/config/</c>: every release document.</summary>
    public static string ConfigRoot(string prefix) => $"{NormalizePrefix(prefix)}/config/";

    /// <summary><c>{prefix}/config/{env}/{app}/</c>: the namespaces of one app in one environment.</summary>
    public static string ConfigPrefix(string prefix, string env, string app) => $"{NormalizePrefix(prefix)}/config/{env}/{app}/";

    /// <summary><c>{prefix}/config/{env}/{app}/{namespace}</c>: one namespace's current release document.</summary>
    public static string Config(string prefix, string env, string app, string ns) => $"{NormalizePrefix(prefix)}/config/{env}/{app}/{ns}";

    /// <summary><c>{prefix}/registry/{env}/</c>: every registered instance of an environment.</summary>
    public static string RegistryPrefix(string prefix, string env) => $"{NormalizePrefix(prefix)}/registry/{env}/";

    /// <summary><c>{prefix}/registry/{env}/{service}/</c>: the instances of one service.</summary>
    public static string ServicePrefix(string prefix, string env, string service) => $"{NormalizePrefix(prefix)}/registry/{env}/{service}/";

    /// <summary><c>{prefix}/registry/{env}/{service}/{instanceId}</c>: one instance.</summary>
    public static string Instance(string prefix, string env, string service, string instanceId) => $"{NormalizePrefix(prefix)}/registry/{env}/{service}/{instanceId}";

    /// <summary>The etcd range end (UTF-8 bytes) that selects every key starting with <paramref name="prefix"/>.</summary>
    public static byte[] PrefixRangeEnd(string prefix)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(prefix);
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            if (bytes[i] < 0xff)
            {
                bytes[i]++;
                return bytes[..(i + 1)];
            }
        }
        return [0];
    }

    /// <summary>Splits a config key back into (env, app, namespace); false when it is not one.</summary>
    public static bool TryParseConfig(string prefix, string key, out string env, out string app, out string ns)
    {
        env = app = ns = "";
        var root = ConfigRoot(prefix);
        if (!key.StartsWith(root, StringComparison.Ordinal)) return false;
        var parts = key[root.Length..].Split('/');
        if (parts.Length != 3 || parts.Any(string.IsNullOrEmpty)) return false;
        (env, app, ns) = (parts[0], parts[1], parts[2]);
        return true;
    }
}
