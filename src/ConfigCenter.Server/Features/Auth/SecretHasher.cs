using System.Security.Cryptography;
using System.Text;
using ConfigCenter.Server.Hosting;

namespace ConfigCenter.Server.Features.Auth;

/// <summary>
/// Hashes client API keys and personal access tokens with HMAC-SHA256 under a 256-bit server key kept in the data
/// directory (<c>secret-hash.key</c>, created 0600 next to the database). A copy of the database alone is then not
/// enough to test guessed secrets offline; the key travels with backups of the data directory.
/// </summary>
public sealed class SecretHasher
{
    public const string KeyFileName = "secret-hash.key";
    private readonly byte[] _key;

    public SecretHasher(DataDirectory data)
    {
        var path = data.File(KeyFileName);
        if (!File.Exists(path))
        {
            var fresh = RandomNumberGenerator.GetBytes(32);
            try
            {
                var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                using var stream = new FileStream(path, create);
                stream.Write(fresh);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Created by a racing first start; read theirs.
            }
        }
        _key = File.ReadAllBytes(path);
        if (_key.Length < 32) throw new InvalidOperationException($"{path} holds {_key.Length} bytes; it must hold a 32-byte key.");
    }

    /// <summary>Lowercase hex HMAC-SHA256 of the secret (hash version 1).</summary>
    public string Hash(string secret) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(secret)));

    /// <summary>Lowercase hex bare SHA-256 (hash version 0): how API keys were stored before HMAC.</summary>
    public static string LegacyHash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
