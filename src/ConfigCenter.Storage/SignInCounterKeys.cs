using System.Security.Cryptography;
using System.Text;

namespace ConfigCenter.Storage;

/// <summary>The keys of <see cref="Entities.SignInCounterEntity"/>: bounded in length whatever a guesser types.</summary>
public static class SignInCounterKeys
{
    public const int MaxLength = 120;

    /// <summary>User names compare case-insensitively, as sign-in treats them.</summary>
    public static string User(string userName) => Bounded("u:", userName.ToUpperInvariant());

    public static string Address(string address) => Bounded("a:", address);

    /// <summary>The user name of a <see cref="User"/> key, or null for an address or a hashed key.</summary>
    public static string? UserName(string key) => key.StartsWith("u:", StringComparison.Ordinal) ? key[2..] : null;

    private static string Bounded(string kind, string value) =>
        kind.Length + value.Length <= MaxLength
            ? kind + value
            // Too long to be a user name (at most 100) or an address: counted under a hash of it ("#" cannot start a name).
            : kind + "#" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
