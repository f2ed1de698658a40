namespace ConfigCenter.Client.Internal;

/// <summary>Checks the options up front, so a misconfiguration fails with a sentence instead of a timeout.</summary>
internal static class ConfigCenterOptionsValidator
{
    public static void ThrowIfInvalid(ConfigCenterOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.App)) errors.Add("ConfigCenter:App is required");
        if (string.IsNullOrWhiteSpace(options.Environment)) errors.Add("ConfigCenter:Environment is required");
        if (options.Namespaces.Count == 0 || options.Namespaces.Any(string.IsNullOrWhiteSpace)) errors.Add("ConfigCenter:Namespaces must list at least one namespace");
        var hasEtcd = options.Etcd.Endpoints.Count > 0;
        var hasServer = !string.IsNullOrWhiteSpace(options.Server.Url);
        if (!hasEtcd && !hasServer) errors.Add("configure ConfigCenter:Etcd:Endpoints, ConfigCenter:Server:Url or both");
        foreach (var endpoint in options.Etcd.Endpoints)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out _)) errors.Add($"ConfigCenter:Etcd:Endpoints entry '{endpoint}' is not an absolute URL like http://127.0.0.1:2379");
        }
        if (hasServer && !Uri.TryCreate(options.Server.Url, UriKind.Absolute, out _)) errors.Add($"ConfigCenter:Server:Url '{options.Server.Url}' is not an absolute URL");
        if (hasServer && string.IsNullOrWhiteSpace(options.Server.ApiKey)) errors.Add("ConfigCenter:Server:ApiKey is required with ConfigCenter:Server:Url");
        for (var i = 0; i < options.SecretKeys.Count; i++)
        {
            // The value is never echoed: it is a key.
            if (!SecretOpener.TryParseKey(options.SecretKeys[i], out _))
                errors.Add($"ConfigCenter:SecretKeys:{i} is not a base64-encoded {Contracts.SecretEnvelope.KeyLength}-byte key");
        }
        if (options.StartupTimeout < TimeSpan.Zero) errors.Add("ConfigCenter:StartupTimeout must not be negative");
        if (errors.Count > 0) throw new InvalidOperationException($"ConfigCenter is not configured correctly: {string.Join("; ", errors)}.");
    }
}
