using System.Text.RegularExpressions;

namespace ConfigCenter.Core;

/// <summary>Naming rules for apps, environments and namespaces (DESIGN.md §3).</summary>
public static partial class Names
{
    /// <summary>Checks an app id; null when valid.</summary>
    public static ValidationError? ValidateAppId(string? id) =>
        Check(id, "id", "App id", SlugPattern(), "lowercase letters, digits and '-'");

    /// <summary>Checks an environment slug; null when valid.</summary>
    public static ValidationError? ValidateEnvironment(string? id) =>
        Check(id, "id", "Environment id", SlugPattern(), "lowercase letters, digits and '-'");

    /// <summary>Checks a namespace name; null when valid.</summary>
    public static ValidationError? ValidateNamespace(string? name) =>
        Check(name, "name", "Namespace name", NamespacePattern(), "lowercase letters, digits, '.', '_' and '-'");

    private static ValidationError? Check(string? value, string field, string what, Regex pattern, string allowed)
    {
        if (string.IsNullOrEmpty(value))
        {
            return new ValidationError(field, $"{what} is required.");
        }

        // The names end up in etcd keys and URLs, hence the narrow alphabet and length.
        return pattern.IsMatch(value)
            ? null
            : new ValidationError(field, $"{what} '{value}' is invalid: use 1 to 63 {allowed}, starting with a letter or digit.");
    }

    // \z rather than $ so a trailing newline does not sneak through.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex SlugPattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamespacePattern();
}
