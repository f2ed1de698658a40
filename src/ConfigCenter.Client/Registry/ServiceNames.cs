using System.Text.RegularExpressions;

namespace ConfigCenter.Client.Registry;

/// <summary>
/// The slug rule of ConfigCenter.Core's <c>Names.ValidateAppId</c>, repeated here because the client package does
/// not ship ConfigCenter.Core (domain rules of the server). Service names, environments and instance ids end up as
/// etcd key segments, hence the narrow alphabet.
/// </summary>
internal static partial class ServiceNames
{
    public static string? Check(string? value, string what)
    {
        if (string.IsNullOrEmpty(value)) return $"{what} is required.";
        return Slug().IsMatch(value)
            ? null
            : $"{what} '{value}' is invalid: use 1 to 63 lowercase letters, digits and '-', starting with a letter or digit.";
    }

    public static string? CheckInstanceId(string? value) =>
        value is not null && InstanceId().IsMatch(value)
            ? null
            : $"Instance id '{value}' is invalid: use 1 to 128 letters, digits, '.', '_' and '-', starting with a letter or digit.";

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Slug();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex InstanceId();
}
