using System.Security.Cryptography;
using System.Text;
using ConfigCenter.Server.Hosting;

namespace ConfigCenter.Server.Features.Auth;

/// <summary>
/// Hashes client API keys and personal access tokens with HMAC-SHA256 under a 256-bit server key kept in the data
/// directory (<c>secret-hash.key</c>, created 0600 next to the database). A copy of the database alone is then not
/// enough to test guessed secrets offline; the key travels with backups of the data directory. On PostgreSQL the replicas
/// share no directory and the key lives in the database (<see cref="SharedSecrets"/>), read when first needed (after the
/// migrations created its table).
/// </summary>
public sealed class SecretHasher
{
    public const string KeyFileName = "secret-hash.key";
    private readonly Lazy<byte[]> _key;

    public SecretHasher(DataDirectory data)
    {
        // Read at once: a missing or short key file stops the start, not the first sign-in.
        var key = ReadOrCreate(data);
        _key = new Lazy<byte[]>(() => key);
    }

    internal SecretHasher(SharedSecrets secrets) => _key = new Lazy<byte[]>(() =>
    {
        var key = secrets.GetOrCreate(SharedSecrets.SecretHashKeyName, () => RandomNumberGenerator.GetBytes(32));
        if (key.Length < 32) throw new InvalidOperationException($"The shared secret {SharedSecrets.SecretHashKeyName} holds {key.Length} bytes; it must hold a 32-byte key.");
        return key;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    private static byte[] ReadOrCreate(DataDirectory data)
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
        var key = File.ReadAllBytes(path);
        if (key.Length < 32) throw new InvalidOperationException($"{path} holds {key.Length} bytes; it must hold a 32-byte key.");
        return key;
    }

    /// <summary>Lowercase hex HMAC-SHA256 of the secret (hash version 1).</summary>
    public string Hash(string secret) => Convert.ToHexStringLower(HMACSHA256.HashData(_key.Value, Encoding.UTF8.GetBytes(secret)));

    /// <summary>Lowercase hex bare SHA-256 (hash version 0): how API keys were stored before HMAC.</summary>
    public static string LegacyHash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
