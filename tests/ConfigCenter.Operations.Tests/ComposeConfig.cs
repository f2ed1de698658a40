namespace ConfigCenter.Operations.Tests;

/// <summary>
/// The services and their environment from <c>docker-compose config</c> output (normalised YAML: two spaces per level,
/// environment as a map). Enough for the few lookups the tests make; not a YAML parser.
/// </summary>
internal sealed class ComposeConfig
{
    private readonly Dictionary<string, Dictionary<string, string>> _environments = new(StringComparer.Ordinal);

    public static ComposeConfig Parse(string yaml)
    {
        var config = new ComposeConfig();
        string? section = null, service = null, block = null;
        foreach (var raw in yaml.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0) continue;
            var indent = line.Length - line.TrimStart(' ').Length;
            var text = line.Trim();
            switch (indent)
            {
                case 0:
                    section = text.TrimEnd(':');
                    service = block = null;
                    break;
                case 2 when section == "services":
                    service = text.TrimEnd(':');
                    block = null;
                    break;
                case 4 when service is not null:
                    block = text.TrimEnd(':');
                    break;
                case 6 when block == "environment" && service is not null:
                    var colon = text.IndexOf(": ", StringComparison.Ordinal);
                    var (name, value) = colon < 0 ? (text.TrimEnd(':'), "") : (text[..colon], Unquote(text[(colon + 2)..]));
                    if (!config._environments.TryGetValue(service, out var env)) config._environments[service] = env = new(StringComparer.Ordinal);
                    env[name] = value;
                    break;
            }
        }
        return config;
    }

    public IReadOnlyDictionary<string, string> Environment(string service) =>
        _environments.TryGetValue(service, out var env) ? env : throw new KeyNotFoundException($"compose config has no environment for {service}");

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '\'' || value[0] == '"') && value[^1] == value[0] ? value[1..^1] : value;
}
